# shellcheck shell=bash
# Network namespaces as "hosts" for tests/multihost/multihost.sh (sourced, not run).
#
#   netns_usable                 exit 77 (ctest SKIP) with the reason unless root, ip netns and veth work
#   netns_reap_stale             deletes the namespaces of earlier runs whose script is gone (killed
#                                with SIGKILL, e.g. by a ctest timeout, it could not clean up)
#   netns_pick_subnet            sets NET (e.g. 10.213.7): a /24 no interface of this machine uses
#   netns_up N                   bridge namespace + N host namespaces joined by veth links to one bridge;
#                                host i is namespace ${PREFIX}-h$i, address $NET.i/24, interface eth0
#   netns_exec_host I CMD...     runs CMD in host i: its network namespace, its own UTS namespace
#                                and hostname ${PREFIX}-h$i (tests/multihost/netns_rsh.sh does the same)
#   netns_link I up|down         sets the bridge-side end of host i's veth link up or down
#   netns_kill_processes         kills every process in the host namespaces
#   netns_down                   kills every process in the namespaces, deletes them (trap on exit)
#
# PREFIX (unique per run: the pid) names the namespaces, so parallel runs cannot collide.
PREFIX=qgmh$$
BRIDGE_NS=$PREFIX-br
HOSTS=0

skip() { echo "SKIP: $*" >&2; exit 77; }

netns_usable() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (ip netns add); run as root or in a root container"
  command -v ip > /dev/null || skip "iproute2 (ip) is not installed"
  local probe=$PREFIX-probe
  ip netns add "$probe" 2> /dev/null || skip "cannot create a network namespace (ip netns add failed)"
  if ! ip -n "$probe" link add p0 type veth peer name p1 2> /dev/null; then
    ip netns del "$probe"
    skip "cannot create a veth pair inside a network namespace"
  fi
  if ! ip -n "$probe" link add b0 type bridge 2> /dev/null; then
    ip netns del "$probe"
    skip "cannot create a bridge inside a network namespace"
  fi
  if ! ip netns exec "$probe" unshare --uts true 2> /dev/null; then
    ip netns del "$probe"
    skip "cannot run a process in a network namespace with a UTS namespace of its own (ip netns exec, unshare)"
  fi
  ip netns del "$probe"
}

netns_reap_stale() {
  local ns pid pids
  for ns in $(ip netns list | cut -d' ' -f1 | grep -E '^qgmh[0-9]+-(h[0-9]+|br)$' || true); do
    pid=${ns#qgmh}
    pid=${pid%%-*}
    kill -0 "$pid" 2> /dev/null && continue
    pids=$(ip netns pids "$ns" 2> /dev/null || true)
    # shellcheck disable=SC2086  # one pid a word
    [ -z "$pids" ] || kill -9 $pids 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
    echo "deleted namespace $ns of an earlier run (process $pid is gone)"
  done
}

# Every IPv4 address of this machine: the root namespace and every named namespace.
netns_addresses_in_use() {
  ip -4 -o addr show | awk '{print $4}'
  local ns
  for ns in $(ip netns list | cut -d' ' -f1); do
    ip -n "$ns" -4 -o addr show 2> /dev/null | awk '{print $4}'
  done
}

netns_pick_subnet() {
  local used start i x
  used=$(netns_addresses_in_use)
  start=$(($$ % 200))
  for i in $(seq 0 199); do
    x=$(((start + i) % 200 + 20))
    if ! grep -q "^10\.213\.$x\." <<< "$used"; then
      NET=10.213.$x
      return 0
    fi
  done
  fail "no unused 10.213.X.0/24 subnet (all of 10.213.20-219 are in use)"
}

netns_up() {
  local n=$1 i ns
  ip netns add "$BRIDGE_NS"
  ip -n "$BRIDGE_NS" link add br0 type bridge
  ip -n "$BRIDGE_NS" link set br0 up
  for i in $(seq 1 "$n"); do
    ns=$PREFIX-h$i
    ip netns add "$ns"
    HOSTS=$i
    ip -n "$BRIDGE_NS" link add "h$i" type veth peer name eth0 netns "$ns"
    ip -n "$BRIDGE_NS" link set "h$i" master br0 up
    ip -n "$ns" addr add "$NET.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
}

netns_exec_host() {
  local ns=$PREFIX-h$1
  shift
  # shellcheck disable=SC2016  # expanded by the inner shell
  ip netns exec "$ns" unshare --uts /bin/sh -c 'hostname "$0" && exec "$@"' "$ns" "$@"
}

netns_link() { ip -n "$BRIDGE_NS" link set "h$1" "$2"; }

# netns_link_restore I: brings host I's link back up and waits (5 s at most) until both ends are
# up and the bridge forwards on its port; then empties every host's neighbour table, whose entries
# for the hosts across the cut failed while it lasted (a connection to such a host can fail at
# once instead of resolving it again).
netns_link_restore() {
  local i
  netns_link "$1" up
  for _ in $(seq 1 100); do
    ip -n "$PREFIX-h$1" link show eth0 | grep -q "state UP" &&
      ip -n "$BRIDGE_NS" -d link show "h$1" | grep -q "state forwarding" && break
    sleep 0.05
  done
  for i in $(seq 1 "$HOSTS"); do ip -n "$PREFIX-h$i" neigh flush all 2> /dev/null || true; done
}

# Kills (SIGKILL) every process in the host namespaces of this run, twice: a dying launcher may
# start one more.
netns_kill_processes() {
  local i round pids
  for round in 1 2; do
    for i in $(seq 1 "$HOSTS"); do
      pids=$(ip netns pids "$PREFIX-h$i" 2> /dev/null || true)
      # shellcheck disable=SC2086  # one pid a word
      [ -z "$pids" ] || kill -9 $pids 2> /dev/null || true
    done
    [ $round -eq 2 ] || sleep 0.2
  done
}

# Kills every process of the run's namespaces and deletes them; their veth ends and the bridge
# go with them.
netns_down() {
  local i
  netns_kill_processes
  for i in $(seq 1 "$HOSTS"); do ip netns del "$PREFIX-h$i" 2> /dev/null || true; done
  ip netns del "$BRIDGE_NS" 2> /dev/null || true
}
