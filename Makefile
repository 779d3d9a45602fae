# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: run test lint format system-packages bench clean

$(PY):
	python3 -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt $(RUN_STAMP)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(RUN_STAMP)
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

system-packages:
	@bash .ci/system-packages

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# pytest exits 5 when it collects no test, so an empty run fails here too. Two workers, a
# module each (tests/conftest.py starts the slowest first): most of the suite waits on
# browsers, servers and subprocesses, so two workers on two cores take about 0.7x the time.
TEST_WORKERS ?= 2
test: $(DEV_STAMP) system-packages lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
