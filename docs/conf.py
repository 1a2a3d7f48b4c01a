"""Sphinx configuration (skeleton; the docs milestone fills it in)."""

project = "nengo-lmu"
extensions = ["sphinx.ext.autodoc", "numpydoc", "sphinx.ext.mathjax"]
exclude_patterns = ["_build"]
