# The two commands of the README: `make run` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PHOTOS ?=
FOR ?= instagram
OUT ?= protected
ARGS ?=
PYTEST_ARGS ?=
BENCH_VENV := .venv-bench

.PHONY: setup run protect test screenshots bench bench-watermark clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "notrain needs Python 3.11 or newer ($(PYTHON) is older); try: make PYTHON=python3.12 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# make run                          start the notrain app and open it in the browser (Ctrl+C stops it)
# make run ARGS='--port 9000 --no-browser'
run: $(STAMP)
	$(BIN)/notrain serve $(ARGS)

# make protect                      protect generated sample photos from the command line (into ./protected)
# make protect PHOTOS=~/Pictures/to-post ARGS='--owner "Your Name" --mark "© Your Name"'
#                                   (asks for your name and contact the first time: notrain init)
protect: $(STAMP)
ifeq ($(strip $(PHOTOS)),)
	$(BIN)/notrain samples .notrain-samples
	$(BIN)/notrain --home .notrain-home init --name "Sample Owner" --contact owner@example.org
	$(BIN)/notrain --home .notrain-home protect .notrain-samples --for $(FOR) -o $(OUT) --owner "Sample Owner" --mark "© Sample Owner" $(ARGS)
else
	$(BIN)/notrain init
	$(BIN)/notrain protect $(PHOTOS) --for $(FOR) -o $(OUT) $(ARGS)
endif

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# make screenshots                  the browser tests, then the pictures of docs/web.md from their screenshots
screenshots: $(STAMP)
	$(BIN)/python -m pytest -m browser -q $(PYTEST_ARGS)
	$(BIN)/python docs/screenshots.py

bench: $(STAMP)
	$(BIN)/python benchmarks/protect_throughput.py

# make bench-watermark [ARGS=--quick]   invisible watermark vs the open-source anchors, in .venv-bench
bench-watermark:
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	@test $(BENCH_VENV)/.installed -nt pyproject.toml -a $(BENCH_VENV)/.installed -nt benchmarks/requirements-watermark.txt \
		|| { $(BENCH_VENV)/bin/python -m pip install --quiet -e . -r benchmarks/requirements-watermark.txt && touch $(BENCH_VENV)/.installed; }
	$(BENCH_VENV)/bin/python benchmarks/watermark_robustness.py $(ARGS)

clean:
	rm -rf $(VENV) .notrain-samples .notrain-home protected .pytest_cache
