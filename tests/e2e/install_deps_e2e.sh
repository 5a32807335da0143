#!/usr/bin/env bash
# scripts/install-deps.sh on systems without apt-get/dpkg: PATH is a folder of shims holding bash and
# one fake package manager (dnf, pacman or brew, or none), so apt-get and dpkg-query cannot be found.
# The script must name the manager, print that system's install command, exit 1, and never run the
# manager or fail with "command not found". Usage: install_deps_e2e.sh SOURCE_DIR WORK_DIR
set -euo pipefail
SCRIPT=$(realpath "$1")/scripts/install-deps.sh
WORK=$2
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

# run_with MANAGERS...: runs the script with PATH = bash + a shim for each of MANAGERS (each shim
# records that it ran); stdout in out.txt, stderr in err.txt, exit code in $code.
run_with() {
  rm -rf "$WORK/shims" && mkdir -p "$WORK/shims"
  ln -s "$(command -v bash)" "$WORK/shims/bash"
  for m in "$@"; do printf '#!%s\necho ran > %s/ran\n' "$(command -v bash)" "$WORK" > "$WORK/shims/$m"; done
  chmod +x "$WORK/shims"/* 2> /dev/null || true
  rm -f "$WORK/ran"
  set +e; PATH="$WORK/shims" "$(command -v bash)" "$SCRIPT" > "$WORK/out.txt" 2> "$WORK/err.txt"; code=$?; set -e
  [ ! -e "$WORK/ran" ] || fail "the script ran a package manager ($*)"
  if grep -q "command not found" "$WORK/err.txt"; then cat "$WORK/err.txt" >&2; fail "command not found ($*)"; fi
  [ "$code" -eq 1 ] || { cat "$WORK/out.txt" "$WORK/err.txt" >&2; fail "exit $code, expected 1 ($*)"; }
  grep -qF "apt-get/dpkg not found" "$WORK/err.txt" || fail "no explanation ($*)"
}
# says FILE TEXT: FILE (out.txt or err.txt) contains TEXT.
says() { grep -qF -- "$2" "$WORK/$1" || { cat "$WORK/$1" >&2; fail "$1 lacks '$2'"; }; }

mkdir -p "$WORK"
run_with dnf
says err.txt "found dnf"; says err.txt "best-effort"
says out.txt "sudo dnf install cmake gcc-c++"; says out.txt " openmpi-devel "; says out.txt " hdf5-devel "
echo "ok: dnf"
run_with pacman
says err.txt "found pacman"; says out.txt "sudo pacman -S --needed cmake gcc"; says out.txt " openmpi "
echo "ok: pacman"
run_with brew
says err.txt "found Homebrew"; says out.txt "brew install cmake"; says out.txt " open-mpi "
echo "ok: brew"
run_with
says err.txt "no known package manager"; says out.txt "libopenmpi-dev"
echo "ok: no package manager"
run_with apt-get   # apt-get without dpkg-query: still not a Debian system this script can check
says err.txt "no known package manager"
echo "ok: apt-get without dpkg"
