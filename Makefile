# Two commands for a newcomer: `make run` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench manifest lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## Socket Mode with Slack tokens; the local sandbox workspace without
	$(BIN)/tpmbot run

test: $(STAMP)  ## whole suite on SQLite, and on PostgreSQL too when TPMBOT_TEST_POSTGRES_URL is set
	bash .ci/chromium.sh  # the browser tier drives Debian's chromium: installed once if missing
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)  ## every benchmark, each against a baseline measured in the same run
	$(BIN)/python -m bench.ack_latency
	$(BIN)/python -m bench.burst
	$(BIN)/python -m bench.raid
	$(BIN)/python -m bench.standups
	$(BIN)/python -m bench.busiest_tick
	$(BIN)/python -m bench.busiest_tick --dependencies 20
	$(BIN)/python -m bench.portfolio
	$(BIN)/python -m bench.e2e
	$(BIN)/python -m bench.handshake
	$(BIN)/python -m bench.charts

manifest: $(STAMP)  ## regenerate manifest.json and COMMANDS.md from the code
	$(BIN)/tpmbot manifest > manifest.json
	$(BIN)/python -m bot.command_reference > COMMANDS.md

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
