# Shared helpers of the live-node end-to-end scripts (sourced, after `cd` into the work folder).
#   NODE_PID          the background node, stopped on exit (set it when starting one)
#   fail MESSAGE      prints FAIL: MESSAGE and the node log's tail, exits 1
#   free_port         a free TCP port on 127.0.0.1
NODE_PID=
cleanup() { if [[ -n "$NODE_PID" ]]; then kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- node log ---" >&2; tail -n 30 node.log >&2 || true; exit 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
