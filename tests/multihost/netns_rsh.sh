#!/bin/sh
# Open MPI's remote-shell agent for network-namespace "hosts" (--mca plm_rsh_agent
# "netns_rsh.sh PREFIX"). Open MPI calls it as it would call ssh, `netns_rsh.sh PREFIX [-OPTIONS]
# HOST COMMAND...`; it runs COMMAND with /bin/sh, as sshd would, inside the network namespace
# PREFIX-hI of host address A.B.C.I, in a UTS namespace of its own with hostname PREFIX-hI (every
# "host" has its own name, as real hosts do).
set -eu
prefix=$1
shift
while [ $# -gt 0 ]; do
  case $1 in
  -*) shift ;; # ssh options Open MPI may pass (e.g. -x)
  *) break ;;
  esac
done
host=$1
shift
ns=$prefix-h${host##*.}
# shellcheck disable=SC2016  # expanded by the inner shell
exec ip netns exec "$ns" unshare --uts /bin/sh -c 'hostname "$1" && exec /bin/sh -c "$0"' "$*" "$ns"
