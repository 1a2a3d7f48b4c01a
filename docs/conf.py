"""Sphinx configuration of the nengo-lmu documentation.

Build with ``make docs`` (``sphinx-build -W -b html docs docs/_build/html``);
run the ``.. testcode::`` examples with ``make doctest``.

Two pages are generated when the build starts, into ``docs/_generated/``
(ignored by git):

- ``benchmarks_tables.rst``: the benchmark record,
  ``bench/results/README.md``, converted from Markdown, so the two never
  disagree;
- one PNG per example script: each ``examples/*.py`` is run headless (as
  ``tests/test_examples.py`` does) and its figures are copied; a script is
  re-run only when it is newer than its figures.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import nengo_lmu

DOCS = pathlib.Path(__file__).parent
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"

project = "nengo-lmu"
author = "nengo-lmu developers"
copyright = "2026, nengo-lmu developers"
version = release = nengo_lmu.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "matplotlib.sphinxext.plot_directive",
    "numpydoc",
]
exclude_patterns = ["_build", "_generated"]
default_role = "py:obj"
html_theme = "alabaster"
html_static_path = []

# autodoc / numpydoc
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# no network access at build time: intersphinx only from a local cache, if any
intersphinx_mapping = {}

# figures drawn at build time by ``.. plot::``
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (7, 3.5)}

# ``make doctest``: quiet nengo
doctest_global_setup = """
import nengo
import numpy as np
nengo.rc["progress"]["progress_bar"] = "False"
"""


def _md_inline(text):
    """Convert the inline Markdown used in README.md to reStructuredText."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append("``" + part[1:-1] + "``")
        else:
            out.append(part)
    return "".join(out)


def _md_table(rows):
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    header, body = cells[0], cells[2:]  # cells[1] is the |---| rule
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header] + body:
        for k, cell in enumerate(row):
            lines.append(("   * - " if k == 0 else "     - ") + _md_inline(cell))
    return lines + [""]


def benchmark_record():
    """``bench/results/README.md`` (the benchmark record) as reStructuredText."""
    text = (ROOT / "bench" / "results" / "README.md").read_text(encoding="utf-8")
    lines, out, table = text.splitlines()[1:], [], []  # without its title
    for line in lines + [""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            out += [""] + _md_table(table)
            table = []
        if line.startswith("## "):
            title = _md_inline(line[3:])
            out += [title, "=" * len(title)]
        else:
            out.append(_md_inline(line))
    return out


def generate_benchmarks():
    GENERATED.mkdir(exist_ok=True)
    path = GENERATED / "benchmarks_tables.rst"
    content = "\n".join(benchmark_record()) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")


def generate_example_figures():
    """Run each example headless in a temporary folder; keep its PNGs."""
    GENERATED.mkdir(exist_ok=True)
    for script in sorted((ROOT / "examples").glob("*.py")):
        target = GENERATED / f"{script.stem}.png"
        if target.exists() and target.stat().st_mtime >= script.stat().st_mtime:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, MPLBACKEND="Agg")
            subprocess.run(
                [sys.executable, str(script)],
                cwd=tmp,
                env=env,
                check=True,
                timeout=300,
                stdout=subprocess.DEVNULL,
            )
            pngs = sorted(pathlib.Path(tmp).glob("*.png"))
            if not pngs:
                raise RuntimeError(f"{script.name} saved no figure")
            for png in pngs:
                shutil.copy(png, GENERATED / png.name)


def setup(app):
    generate_benchmarks()
    generate_example_figures()
