"""quantgrid.run: a job spec run through the quantgrid executable, loaded back."""
import json
import os
import subprocess
import tempfile

import quantgrid_results as qr

from ._load import load


def _command(spec_path, ranks, output, overwrite):
    command = [qr._quantgrid(), "run", str(spec_path), "--no-progress"]
    if output is not None:
        command += ["--output", str(output)]
    if overwrite:
        command.append("--overwrite")
    if ranks is None:
        return command
    return ["mpirun", "-n", str(int(ranks)), "--oversubscribe", "--bind-to", "none"] + command


def _written(stdout):
    for line in reversed(stdout.splitlines()):
        if line.startswith("wrote "):
            return line[len("wrote "):].strip()
    raise RuntimeError("quantgrid run did not say which file it wrote:\n" + stdout)


def run(spec, ranks=None, output=None, overwrite=False):
    """Runs a job spec (a dict, written as JSON, which YAML reads; or a spec file's path) with
    `quantgrid run`: in one process when `ranks` is None, else under `mpirun -n ranks`. Returns
    the loaded run file (quantgrid.load). RuntimeError with quantgrid's error line on failure.
    Run as root, mpirun also needs OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1."""
    with tempfile.TemporaryDirectory() as scratch:
        if isinstance(spec, dict):
            spec_path = os.path.join(scratch, "spec.yaml")
            with open(spec_path, "w", encoding="utf-8") as f:
                json.dump(spec, f, indent=1)
        else:
            spec_path = spec
        done = subprocess.run(_command(spec_path, ranks, output, overwrite), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"quantgrid run exited {done.returncode}")
    return load(_written(done.stdout))
