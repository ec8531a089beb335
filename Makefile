# One entry point for people and CI. `make example` grades the bundled class;
# `make test` runs the suite (what .ci/run calls).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
AG     := $(VENV)/bin/autograder
# CPU machines: the 2.13.0 CPU wheel. GPU users: install your own torch build first.
TORCH  ?= torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup example test test-fast validate bench mutate clean

setup: $(VENV)/.setup-done

$(VENV)/.setup-done: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "$(TORCH)"
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev,otter,ray,module6,module7,module10,module11,module12]"
	touch $@

example: setup
	$(AG) batch examples/class --out grades/example --capstone examples/capstone.csv --participation examples/participation.csv
	@echo "reports: grades/example/<student>/<lab>.json and .html, quiz-weekNN.json; grades/example/gradebook.csv and summary.html"

test: setup
	$(PY) -m pytest tests -q --durations=20

# the engine's unit tests only (no whole classes, no validate of every lab): a couple of minutes
test-fast: setup
	$(PY) -m pytest tests -q -m "not slow"

validate: setup
	$(AG) validate

# mutation-test the hidden tests (cosmic-ray mutants of the reference): every lab, or LAB=labNN_slug
LAB ?=
mutate: setup
	$(AG) mutate $(LAB)

bench: setup
	$(AG) bench lab15_self_attention --runs 100

clean:
	rm -rf grades .pytest_cache
