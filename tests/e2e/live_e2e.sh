#!/usr/bin/env bash
# End-to-end promotion path through the real binary: keys, a sweep, a live node in the
# background, feed replay, approve, promote, status, rollback, halt, audit verify.
# Usage: live_e2e.sh QUANTGRID WORK_DIR
set -euo pipefail
QG=$1
WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
source "$(dirname "${BASH_SOURCE[0]}")/live_lib.sh"  # NODE_PID, cleanup on exit, fail, free_port

# ---- data, sweep, keys ----
"$QG" data generate --symbols 2 --bars 400 --seed 5 --out market.h5 > /dev/null
cat > sweep.yaml <<SPEC
job: sweep
name: live-e2e
data: {file: market.h5, symbols: all}
strategy:
  kind: sma_crossover
  mode: long_short
  params:
    fast: {from: 2, to: 10, step: 2}
    slow: {from: 12, to: 40, step: 7}
  where: [fast < slow]
search: {method: grid}
costs: {commission_bps: 1.0, slippage_bps: 2.0}
rank_by: sharpe
output: sweep.h5
seed: 1
SPEC
"$QG" run sweep.yaml --output sweep.h5 --overwrite --no-progress 2> /dev/null > /dev/null
"$QG" keys generate --out keys/approver > /dev/null
"$QG" keys generate --out keys/live --curve-only > /dev/null
"$QG" keys generate --out keys/stranger --curve-only > /dev/null

# ---- the node ----
CONTROL=tcp://127.0.0.1:$(free_port); FEED=tcp://127.0.0.1:$(free_port); EVENTS=tcp://127.0.0.1:$(free_port)
cat > node.yaml <<CFG
node:
  control: $CONTROL
  feed: $FEED
  events: $EVENTS
  state_dir: state
  server_key: keys/live
  allowed_clients: [keys/approver]
  approvers:
    - {id: approver, public_key: keys/approver}
# min_dsr / max_pbo: a sweep record carries its symbol's DSR and PBO (refused without them)
guardrails: {min_sharpe: -10, max_drawdown: 1.0, max_position: 1, max_daily_loss: 1.0, min_dsr: 0, max_pbo: 1}
limits: {fsync: false, poll_ms: 20}
CFG
"$QG" live --config node.yaml --run-for 240 > node.out 2> node.log &
NODE_PID=$!
C=(--live "$CONTROL" --server-key keys/live --key keys/approver --timeout 3)
for _ in $(seq 50); do "$QG" live status "${C[@]}" > /dev/null 2>&1 && break; sleep 0.2; done
"$QG" live status "${C[@]}" > /dev/null || fail "node does not answer"

# ---- approve and promote ----
"$QG" approve sweep.h5 --best sharpe --key keys/approver --note "e2e" --version 1 --out approvals/a1.json > approve.out
grep -q "wrote approvals/a1.json and sweep.h5:/approvals/v1" approve.out || fail "approve output: $(cat approve.out)"
SYMBOL=$(/usr/bin/python3 -c 'import json; print(json.load(open("approvals/a1.json"))["artifact"]["symbols"][0])')
"$QG" promote approvals/a1.json "${C[@]}" | grep -q "^accepted" || fail "promotion refused"
set +e
"$QG" promote approvals/a1.json "${C[@]}" > replay.out; rc=$?
set -e
[[ $rc == 5 ]] && grep -q "REJECTED (replayed)" replay.out || fail "replayed record: rc=$rc $(cat replay.out)"

# ---- feed ----
"$QG" feed replay market.h5 --symbols "$SYMBOL" --speed 0 --to "$FEED" 2> /dev/null | grep -q "sent 400 bars" || fail "feed replay"
for _ in $(seq 100); do
  "$QG" live status "${C[@]}" --json | grep -q '"bars": 400' && break; sleep 0.2
done
"$QG" live status "${C[@]}" --json > status.json
grep -q '"bars": 400' status.json || fail "bars not all processed: $(grep bars status.json)"
/usr/bin/python3 - <<PY || fail "status after replay"
import json
s = json.load(open("status.json"))["status"]
assert s["active"]["version"] == 1, s["active"]
assert s["feed_rejections"] == 0
assert abs(s["equity"] - 1) > 0, "no P&L"
PY

# ---- second approval, rollback, halt ----
"$QG" approve sweep.h5 --row 3 --key keys/approver --version 2 --out approvals/a2.json > /dev/null
"$QG" promote approvals/a2.json "${C[@]}" | grep -q "^accepted" || fail "second promotion"
"$QG" live rollback "${C[@]}" | grep -q "rolled back to version 1" || fail "rollback"
"$QG" live halt "${C[@]}" --reason "e2e kill switch" | grep -q "^accepted" || fail "halt"
"$QG" live status "${C[@]}" | grep -q "HALTED: e2e kill switch" || fail "status after halt"
"$QG" live resume "${C[@]}" | grep -q "^accepted" || fail "resume"

# ---- a stranger and a wrong server key get clear errors, not hangs ----
set +e
"$QG" live status --live "$CONTROL" --server-key keys/live --key keys/stranger --timeout 2 2> stranger.err; rc1=$?
"$QG" live status --live "$CONTROL" --server-key keys/stranger --key keys/approver --timeout 1 2> wrongkey.err; rc2=$?
set -e
[[ $rc1 != 0 ]] && grep -qE "refused this client's CURVE key|no reply" stranger.err || fail "stranger: $(cat stranger.err)"
[[ $rc2 != 0 ]] && grep -q "no reply from" wrongkey.err || fail "wrong server key: $(cat wrongkey.err)"

# ---- audit ----
"$QG" live audit verify state/audit.jsonl | grep -q ": OK," || fail "audit verify"
sed 's/e2e kill switch/e2e kill swatch/' state/audit.jsonl > edited.jsonl
set +e
"$QG" live audit verify edited.jsonl > edited.out; rc=$?
set -e
[[ $rc == 2 ]] && grep -q "BROKEN at record" edited.out || fail "edited audit log not detected: $(cat edited.out)"
echo "live e2e OK"
