#!/usr/bin/env bash
# cmake/QgGitCommit.cmake, the build-time commit of provenance, on a scratch git repository whose
# state the test sets: clean -> the 12-digit HEAD, tracked changes (staged or not) -> "-dirty",
# untracked files only -> clean, no repository -> "unknown"; the generated file is rewritten only
# when the value changes. Usage: git_commit_e2e.sh CMAKE SOURCE_DIR WORK_DIR
set -euo pipefail
CMAKE=$1; SCRIPT=$(realpath "$2")/cmake/QgGitCommit.cmake; WORK=$3
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
OUT=$WORK/build_commit.cpp

# generate DIR: runs the script on DIR.
generate() { "$CMAKE" -DSOURCE_DIR="$1" -DOUTPUT="$OUT" -P "$SCRIPT" > /dev/null; }
# expect_commit VALUE: the generated source returns exactly VALUE.
expect_commit() {
  grep -qF "return \"$1\";" "$OUT" || { cat "$OUT" >&2; fail "expected commit '$1'"; }
  echo "ok: $1"
}

rm -rf "$WORK" && mkdir -p "$WORK/repo" "$WORK/not_a_repo"
cd "$WORK/repo"
git init -q . && git config user.email t@example.com && git config user.name t && git config commit.gpgsign false
echo one > tracked.txt && git add tracked.txt && git commit -qm one
head=$(git rev-parse --short=12 HEAD)
[[ $head =~ ^[0-9a-f]{12}$ ]] || fail "git gave '$head'"

generate "$WORK/repo" && expect_commit "$head"
touch -d "2000-01-01" "$OUT"
generate "$WORK/repo"
[ "$(stat -c %Y "$OUT")" = "$(date -d 2000-01-01 +%s)" ] || fail "an unchanged commit rewrote the file"
echo "ok: unchanged commit, file untouched"

echo scratch > untracked.txt
generate "$WORK/repo" && expect_commit "$head"
echo two >> tracked.txt
generate "$WORK/repo" && expect_commit "$head-dirty"
[ "$(stat -c %Y "$OUT")" != "$(date -d 2000-01-01 +%s)" ] || fail "a changed commit did not rewrite the file"
git add tracked.txt
generate "$WORK/repo" && expect_commit "$head-dirty"
git commit -qm two
head2=$(git rev-parse --short=12 HEAD)
[ "$head2" != "$head" ] || fail "no new commit"
generate "$WORK/repo" && expect_commit "$head2"

# WORK may lie inside a checkout (the build folder): stop git's search for a repository at WORK.
GIT_CEILING_DIRECTORIES=$WORK generate "$WORK/not_a_repo" && expect_commit "unknown"
