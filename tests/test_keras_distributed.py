"""Training under MirroredStrategy over two logical CPU devices, then import.

Runs ``examples/keras_distributed.py`` in a fresh process: logical devices
can only be set up before TensorFlow starts, which in the test process it
may already have.
"""

import pathlib
import re
import subprocess
import sys

import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("keras_lmu")
pytest.importorskip("nengo_dl")

EXAMPLE = pathlib.Path(__file__).parent.parent / "examples" / "keras_distributed.py"


def number(pattern, text):
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in the output:\n{text}"
    return float(match.group(1))


def test_mirrored_strategy_trains_and_imports(tmp_path):
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert number(r"replicas: (\d+)", out) == 2
    first, last = re.search(r"training loss: ([\d.]+) -> ([\d.]+)", out).groups()
    assert float(last) < 0.7 * float(first), out
    keras_acc = number(r"keras accuracy: ([\d.]+)", out)
    rate = number(r"imported rate accuracy: ([\d.]+)", out)
    spiking = number(r"spiking accuracy: ([\d.]+)", out)
    assert keras_acc > 0.65, out  # chance: 0.25
    assert abs(rate - keras_acc) <= 0.02, out
    assert spiking >= keras_acc - 0.1, out
    assert (tmp_path / "keras_distributed.png").exists()
