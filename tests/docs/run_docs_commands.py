"""Runs every shell command of README.md and docs/*.md (fenced blocks tagged bash, sh, shell or
console) so that the documentation cannot drift from the tool.

Usage: run_docs_commands.py QUANTGRID SOURCE_DIR WORK_DIR [--list]

Each document runs in its own scratch copy of the source tree (git-tracked files) under
WORK_DIR, with build/quantgrid linked to QUANTGRID and on PATH, after the setup the documents
assume: data/market.h5 as `make demo` writes it, and the CSV files docs/quickstart.md imports.
Commands run one by one, in document order, with bash from the copy's root; a non-zero exit
fails the test and names DOC:LINE and the command. Commands in SKIPPED do not run, each for the
reason given there. --list prints what would run and what is skipped."""
import os
import re
import shutil
import subprocess
import sys

LANGUAGES = {"bash", "sh", "shell", "console"}

#: (regular expression matched against the command, why it cannot run in a test)
SKIPPED = [
    (r"^make (demo|test|bench)\b", "builds the whole tree or runs the whole suite (this test is part of it)"),
    (r"^scripts/run-bench\.sh\b", "the benchmark suite: many minutes, its figures are docs/performance.md"),
    (r"^/usr/bin/python3 bench/", "a benchmark of several minutes against a separate build (build-lead)"),
    (r"^mpiexec .*build-lead/quantgrid", "the memory benchmark's own command line (bench/memory.py runs it)"),
    (r"build-lead/bench/", "a benchmark binary of a separate build (build-lead)"),
    (r"^(sbatch|srun|salloc)\b", "needs a Slurm cluster"),
    (r"^mpirun .*--hostfile\b", "needs several hosts reachable by ssh (tests/multihost/ runs it on namespaces)"),
    (r"^scripts/install-deps\.sh\b", "installs system packages"),
]

#: The data the documents assume before their commands run (in the copy's root).
SETUP = """
build/quantgrid data generate --symbols 10 --bars 2520 --seed 1 --out data/market.h5 > /dev/null
/usr/bin/python3 - <<'PY'
import datetime
days, d = [], datetime.date(2001, 1, 2)
while len(days) < 300:
    if d.weekday() < 5:
        days.append(d.isoformat())
    d += datetime.timedelta(days=1)
price = lambda i, s: 100.0 * (1.0 + 0.01 * s) * (1.0 + 0.002 * ((i * 37 + s * 11) % 23 - 11))
with open("prices.csv", "w") as f:
    f.write("date,open,high,low,close,volume\\n")
    for i, day in enumerate(days):
        c = price(i, 0)
        f.write(f"{day},{c:.4f},{c * 1.01:.4f},{c * 0.99:.4f},{c:.4f},1000\\n")
with open("closes.csv", "w") as f:
    f.write("date,SYM1,SYM2\\n")
    for i, day in enumerate(days):
        f.write(f"{day},{price(i, 1):.4f},{price(i, 2):.4f}\\n")
with open("panel.csv", "w") as f:
    f.write("date,symbol,open,high,low,close,volume\\n")
    for s, name in ((3, "PNL1"), (4, "PNL2")):
        for i, day in enumerate(days):
            c = price(i, s)
            f.write(f"{day},{name},{c:.4f},{c * 1.01:.4f},{c * 0.99:.4f},{c:.4f},500\\n")
PY
"""


def blocks(path):
    """(line of the command, command) for each command of the document's shell blocks."""
    text = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"^```(\w*)[^\n]*\n(.*?)^```", text, re.S | re.M):
        if m.group(1) not in LANGUAGES:
            continue
        first = text[: m.start()].count("\n") + 2
        pending, start = "", None
        for offset, line in enumerate(m.group(2).split("\n")):
            if m.group(1) == "console":
                if not line.startswith("$ ") and not pending:
                    continue  # output lines
                line = line[2:] if line.startswith("$ ") else line
            if not line.strip() and not pending:
                continue
            start = first + offset if not pending else start
            pending += line[:-1] + " " if line.endswith("\\") else line
            if not line.endswith("\\"):
                out.append((start, pending.strip()))
                pending = ""
    return out


def skip_reason(command):
    for pattern, reason in SKIPPED:
        if re.search(pattern, command):
            return reason
    return None


def scratch_copy(source, target, quantgrid):
    """The tracked files of `source` copied to `target`, with build/quantgrid -> QUANTGRID."""
    if os.path.exists(target):
        shutil.rmtree(target)
    files = subprocess.run(["git", "-C", source, "ls-files", "-z"], check=True, capture_output=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = os.path.join(source, name)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(target, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    os.makedirs(os.path.join(target, "build"), exist_ok=True)
    os.symlink(quantgrid, os.path.join(target, "build", "quantgrid"))


def run_document(doc, commands, quantgrid, source, work):
    root = os.path.join(work, os.path.basename(doc).replace(".md", ""))
    scratch_copy(source, root, quantgrid)
    env = dict(os.environ, PATH=os.path.join(root, "build") + os.pathsep + os.environ["PATH"], TERM="dumb")
    subprocess.run(["bash", "-ec", SETUP], cwd=root, env=env, check=True)
    failures = []
    # One shell for the whole document, so that `export` and `cd` carry over as for a reader.
    script = ["set -o pipefail"]
    for line, command in commands:
        where = f"{doc}:{line}"
        script.append(f"echo '>>> {where}' >&2")
        # The command on lines of its own: a trailing comment must not swallow the check.
        script.append(f"{{\n{command}\n}} || {{ echo 'FAILED {where}: exit '$?': {command.replace(chr(39), '')}' >&2; exit 1; }}")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(done.stderr[-4000:] + done.stdout[-2000:])
    return failures


def main(argv):
    quantgrid, source, work = os.path.realpath(argv[1]), os.path.realpath(argv[2]), os.path.realpath(argv[3])
    docs = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(source, "docs"))
                                  if f.endswith(".md"))
    failures = []
    for doc in docs:
        commands, runnable = blocks(os.path.join(source, doc)), []
        for line, command in commands:
            reason = skip_reason(command)
            print(f"{'skip' if reason else 'run '} {doc}:{line}: {command}" + (f"   ({reason})" if reason else ""))
            if not reason:
                runnable.append((line, command))
        if runnable and "--list" not in argv:
            failures += run_document(doc, runnable, quantgrid, source, work)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
