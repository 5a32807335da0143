#!/usr/bin/env bash
# Runs every example spec (jobs/examples/*.yaml) on the demo store in a scratch folder and
# prints `quantgrid results digest` of each run file: two builds that print the same lines
# produce byte-identical results. Usage: scripts/example-digests.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
qg=$(cd "${1:-$root/build}" && pwd)/quantgrid
out=${2:-$(mktemp -d)}
mkdir -p "$out/data"
cd "$out"
[ -f data/market.h5 ] || "$qg" data generate --symbols 10 --bars 2520 --seed 1 --out data/market.h5 > /dev/null
for spec in "$root"/jobs/examples/*.yaml; do
  name=$(basename "$spec" .yaml)
  "$qg" run "$spec" --output "runs/$name.h5" --overwrite --no-progress --log-level warn > /dev/null
  printf '%s  %s\n' "$("$qg" results digest "runs/$name.h5" | cut -d' ' -f1)" "$name"
done
