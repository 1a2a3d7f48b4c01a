"""Each example script runs headless and defines a module-level ``model``."""

import pathlib
import runpy

import nengo
import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))


def requirements(path):
    """Modules named on an example's ``Requires:`` line."""
    for line in path.read_text().splitlines():
        if line.startswith("Requires:"):
            return line.split(":", 1)[1].split()
    return []


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, tmp_path, monkeypatch):
    for module in requirements(path):
        pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(path), run_name="__main__")
    assert isinstance(namespace["model"], nengo.Network)
    assert any(tmp_path.glob("*.png")), "the example saved no figure"
