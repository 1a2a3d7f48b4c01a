"""Install nengo-lmu: ``pip install -c constraints.txt -e .[all]``."""

import pathlib
import runpy

from setuptools import find_packages, setup

root = pathlib.Path(__file__).parent
version = runpy.run_path(str(root / "nengo_lmu" / "version.py"))["version"]

install_requires = [
    "nengo>=3.2",
    "numpy>=1.21",
    "scipy>=1.7",
    "matplotlib>=3.5",
]
extras_require = {
    "dl": ["nengo-dl>=3.6", "tensorflow>=2.10,<2.13"],
    "loihi": ["nengo-loihi>=1.1", "nengo-extras>=0.5"],
    "gui": ["nengo-gui>=0.6"],
    "keras": ["keras-lmu>=0.8", "mnist1d"],
    "docs": ["sphinx>=7", "numpydoc>=1.6"],
    "tests": [
        "pytest>=7,<9",
        "pytest-plt>=1.1",
        "pytest-rng>=1.0",
        "pytest-allclose>=1.0",
        "pytest-xdist>=3",
    ],
}
extras_require["all"] = sorted(
    {req for reqs in extras_require.values() for req in reqs}
)

setup(
    name="nengo-lmu",
    version=version,
    author="nengo-lmu developers",
    description="Spiking Legendre Memory Units for Nengo, NengoDL and Loihi",
    long_description=(root / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    packages=find_packages(include=["nengo_lmu", "nengo_lmu.*"]),
    python_requires=">=3.9",
    install_requires=install_requires,
    extras_require=extras_require,
    entry_points={"console_scripts": ["nengo-lmu = nengo_lmu.cli:main"]},
    classifiers=[
        "Framework :: Nengo",
        "Programming Language :: Python :: 3.11",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
