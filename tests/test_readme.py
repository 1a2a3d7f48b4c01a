"""The README's quick start runs as written."""

import pathlib
import re

import numpy as np


def test_readme_quick_start():
    text = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    code = re.search(r"## Quick start\s+```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    sim = namespace["sim"]
    assert sim.data[namespace["p_window"]].shape == (2000, 3)
    assert np.all(np.isfinite(sim.data[namespace["p_out"]]))
