# Two entry points (see README.md):
#   make demo   set up .venv (pinned stack) and run the spiking delay demo
#   make test   set up .venv and .venv-core and run the whole test suite
# Benchmark peer: make nengolib-env sets up .venv-nengolib (nengolib 0.5.2)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
CORE_VENV := .venv-core
NENGOLIB_VENV := .venv-nengolib
PIP_FLAGS := --disable-pip-version-check --quiet
DEMO_ARGS ?=
PYTEST_ARGS ?=

.PHONY: demo test test-main test-core bench clean docs doctest gui chromium \
	nengolib-env bench-nengolib

$(VENV)/.installed: setup.py constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -c constraints.txt -e ".[all]"
	touch $@

# core only, newest nengo 4.x and numpy 2 (no NengoDL, no nengo-loihi)
$(CORE_VENV)/.installed: setup.py
	test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/pip install $(PIP_FLAGS) -e ".[tests]" "nengo>=4" "numpy>=2" "pytest<9"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/nengo-lmu delay $(DEMO_ARGS)

# the browser test measures real-time speed: it runs alone, in `make gui`
test-main: $(VENV)/.installed
	$(VENV)/bin/python -m pytest tests -n 2 --ignore=tests/test_gui.py $(PYTEST_ARGS)

test-core: $(CORE_VENV)/.installed
	$(CORE_VENV)/bin/python -m pytest tests -n 2 $(PYTEST_ARGS)

test: test-main test-core

bench: $(VENV)/.installed
	$(VENV)/bin/python bench/bench_delay.py

# nengolib 0.5.2, the original spiking delay network, as a peer of the delay
# benchmark (bench/peers/nengolib_delay.py): versions that install and run
# together on Python 3.11 (nengolib needs nengo < 3)
$(NENGOLIB_VENV)/.installed:
	test -x $(NENGOLIB_VENV)/bin/python || $(PYTHON) -m venv $(NENGOLIB_VENV)
	$(NENGOLIB_VENV)/bin/pip install $(PIP_FLAGS) \
	  nengolib==0.5.2 nengo==2.8.0 numpy==1.23.5 scipy==1.10.1
	touch $@

nengolib-env: $(NENGOLIB_VENV)/.installed

# the delay protocols only, nengo-lmu and nengolib side by side
bench-nengolib: $(VENV)/.installed $(NENGOLIB_VENV)/.installed
	$(VENV)/bin/python bench/bench_delay.py --nengolib-only

clean:
	rm -rf $(VENV) $(CORE_VENV) build *.egg-info

# documentation: HTML, warnings are errors (docs/_build/html/index.html)
docs: $(VENV)/.installed
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

# the docstrings' and docs' ``.. testcode::`` / ``>>>`` examples
doctest: $(VENV)/.installed
	$(VENV)/bin/sphinx-build -W --keep-going -b doctest docs docs/_build/doctest

# headless Chromium (Debian package) for the Nengo GUI test; root or sudo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	command -v chromium >/dev/null || { $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }

# every example in Nengo GUI in headless Chromium; screenshots in docs/_build/gui/
gui: $(VENV)/.installed chromium
	NENGO_LMU_GUI_REQUIRED=1 $(VENV)/bin/python -m pytest tests/test_gui.py -v $(PYTEST_ARGS)
