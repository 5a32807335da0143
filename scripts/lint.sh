#!/usr/bin/env bash
# Static checks of the C++ sources, run by `ctest -L lint` (tests lint.format and lint.tidy).
#
#   scripts/lint.sh format [BUILD_DIR]  every tracked *.cpp/*.hpp is as .clang-format would write it;
#                                       lists the files clang-format would change
#   scripts/lint.sh tidy BUILD_DIR      clang-tidy (.clang-tidy) over the library and application sources,
#                                       using BUILD_DIR/compile_commands.json; prints every finding
#
# Exit status: 0 clean, 1 findings, 2 usage error, 77 tool not installed (ctest reports a skip).
# CLANG_FORMAT and CLANG_TIDY name other binaries; LINT_JOBS sets the parallelism of tidy (default nproc).
set -euo pipefail

usage() {
  echo "usage: $0 format [BUILD_DIR] | tidy BUILD_DIR" >&2
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The sources clang-tidy checks: libraries and applications, not tests/ or bench/.
tidy_dirs=(core kernels results jobs cluster worker coordinator)

require_tool() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "lint: $1 not found (scripts/install-deps.sh installs it)" >&2
    exit 77
  fi
}

check_format() {
  local tool=${CLANG_FORMAT:-clang-format}
  require_tool "$tool"
  local changed=() f
  while IFS= read -r f; do
    "$tool" --dry-run -Werror "$root/$f" >/dev/null 2>&1 || changed+=("$f")
  done < <(git -C "$root" ls-files -- '*.cpp' '*.hpp')
  if [ ${#changed[@]} -ne 0 ]; then
    echo "lint format: ${#changed[@]} file(s) differ from clang-format's output:"
    printf '  %s\n' "${changed[@]}"
    echo "fix with: clang-format -i FILE..."
    return 1
  fi
  echo "lint format: clean"
}

# One file: print clang-tidy's findings, without its "N warnings generated." chatter, when it fails.
tidy_one() {
  local out
  if ! out=$("$LINT_TIDY" -p "$LINT_BUILD" --quiet "$1" 2>&1); then
    grep -Ev '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' <<<"$out" || true
    echo "$1" >>"$LINT_FAILED"
  fi
}

check_tidy() {
  [ $# -eq 1 ] || usage
  local build
  build=$(cd "$1" 2>/dev/null && pwd) || { echo "lint tidy: no build directory $1" >&2; exit 2; }
  if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint tidy: $build/compile_commands.json missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
    exit 2
  fi
  local tool=${CLANG_TIDY:-clang-tidy}
  require_tool "$tool"

  lint_tmp=$(mktemp -d)
  trap 'rm -rf "$lint_tmp"' EXIT
  # GCC-only flags clang's driver rejects as unknown arguments (the per-target kernel objects).
  sed 's/ -fno-gnu-unique//g' "$build/compile_commands.json" >"$lint_tmp/compile_commands.json"
  export LINT_TIDY=$tool LINT_BUILD=$lint_tmp LINT_FAILED=$lint_tmp/failed
  export -f tidy_one
  : >"$LINT_FAILED"

  local patterns=() d
  for d in "${tidy_dirs[@]}"; do patterns+=("$d/*.cpp"); done
  local start=$SECONDS count
  count=$(git -C "$root" ls-files -- "${patterns[@]}" | wc -l)
  (cd "$root" && git ls-files -z -- "${patterns[@]}" |
    xargs -0 -n 1 -P "${LINT_JOBS:-$(nproc)}" bash -c 'tidy_one "$1"' _)

  local failed
  failed=$(sort "$LINT_FAILED")
  if [ -n "$failed" ]; then
    echo "lint tidy: findings in $(wc -l <<<"$failed") of $count file(s) ($((SECONDS - start)) s):"
    sed 's/^/  /' <<<"$failed"
    return 1
  fi
  echo "lint tidy: $count files clean ($((SECONDS - start)) s)"
}

case "${1:-}" in
  format) [ $# -le 2 ] || usage; check_format ;;
  tidy) shift; check_tidy "$@" ;;
  *) usage ;;
esac
