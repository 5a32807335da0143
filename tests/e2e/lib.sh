# Shared helpers of the end-to-end scripts (sourced, not run). Each script sets `set -euo pipefail`.
#   fail MESSAGE        prints FAIL: MESSAGE to stderr and exits 1
#   expect CODE CMD...  runs CMD (stdout in out.txt, stderr in err.txt) and checks its exit code
#   says FILE TEXT      FILE contains TEXT (a fixed string); shows the file's start when not
#   check CODE TEXT SPEC  `$QG run SPEC` exits CODE, its error contains TEXT (a grep pattern), and
#                       no run file (bad.h5) is written
#   digest RUN          the run file's datasets digest (`$QG results digest`), the hash alone

fail() { echo "FAIL: $*" >&2; exit 1; }

expect() {
  local want=$1; shift
  set +e; "$@" > out.txt 2> err.txt; local code=$?; set -e
  if [ "$code" -ne "$want" ]; then cat out.txt err.txt >&2; fail "exit $code, expected $want: $*"; fi
  echo "ok: exit $code: $*"
}

says() { grep -qF -- "$2" "$1" || { head -c 2000 "$1" >&2; fail "$1 lacks '$2'"; }; }

check() {
  set +e; "$QG" run "$3" --output bad.h5 --overwrite --no-progress 2> err.txt; local code=$?; set -e
  [ "$code" -eq "$1" ] || { cat err.txt; fail "exit $code, expected $1 for $3"; }
  grep -q -- "$2" err.txt || { cat err.txt; fail "error lacks '$2'"; }
  [ ! -e bad.h5 ] || fail "a run file was written for $3"
}

digest() { "$QG" results digest "$1" | cut -d' ' -f1; }
