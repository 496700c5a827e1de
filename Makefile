# The README's two commands: `make run` and `make test`. Everything they need
# they install themselves (npm packages; Debian's fonts the PDFs print with;
# Debian's chromium for browser tests).

SHELL := /bin/bash
.DEFAULT_GOAL := run

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
CME := $(TARGET_DIR)/debug/cme
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The virtualenv of the Python tools `make test` uses (schemathesis).
VENV := $(HOME)/.cache/cme-venv
SCHEMATHESIS_VERSION := 4.32.5

# Each step of `make test` prints its wall time (bash's `time`), so that CI's
# log shows where its minutes go.
export TIMEFORMAT := [step took %0R s]

.PHONY: run test frontend-deps frontend-build e2e-deps fuzz-deps fonts browser ops-deps openapi bench

# The Debian packages of the fonts the server prints PDFs with: the list
# cme_documents::FONT_PACKAGES (a test compares them, and the Dockerfile's).
FONT_PACKAGES := fonts-noto-cjk fonts-hanazono
FONT_FILES := /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
	/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc \
	/usr/share/fonts/truetype/hanazono/HanaMinA.ttf \
	/usr/share/fonts/truetype/hanazono/HanaMinB.ttf

## Build everything and serve the SPA and the API on SQLite, with demo data.
run: frontend-build fonts
	cargo build -p cme-server
	mkdir -p data
	$(CME) demo --if-empty
	$(CME) serve

## fmt, the module graphs (no import cycles and no route file importing
## another: tests/arch/module_cycles.py; api's root wires the app),
## clippy, every Rust test (SQLite; PostgreSQL too when TEST_DATABASE_URL
## is set), the SPA's type check, client drift check, Vitest, build, the
## OpenAPI document fuzzed with schemathesis, the database-outage fault test
## (a PostgreSQL instance of its own), two instances behind HAProxy (short run)
## and Playwright.
test: frontend-deps e2e-deps fuzz-deps fonts browser ops-deps
	time cargo fmt --all -- --check
	time python3 tests/arch/test_module_cycles.py
	time (for c in domain store documents server; do python3 tests/arch/module_cycles.py --quiet crates/$$c || exit 1; done)
	time python3 tests/arch/module_cycles.py --quiet --ignore-root --independent routes crates/api
	time cargo clippy --workspace --all-targets -- -D warnings
	time cargo test --workspace
	time (cd frontend && npm run check:api && npm run typecheck && npm test && npm run build)
	@# The `cme` the steps below run is the one `cargo test --workspace` built for the server's
	@# integration tests ($(CME)); `cargo build -p cme-server` would build it again with another
	@# feature set (a minute in CI).
	test -x $(CME)
	time SCHEMATHESIS=$(VENV)/bin/schemathesis tests/fuzz/schemathesis.sh $(CME)
	time python3 tests/faults/db_outage.py $(CME)
	time python3 tests/ops/two_instances.py $(CME) --smoke
	time tests/e2e/run.sh $(CME)

frontend-deps:
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		time (cd frontend && npm ci --no-audit --no-fund); fi

frontend-build: frontend-deps
	cd frontend && npm run build

## schemathesis, pinned, in a virtualenv of its own (outside the repository).
fuzz-deps:
	@if ! $(VENV)/bin/schemathesis --version 2>/dev/null | grep -qx "schemathesis, version $(SCHEMATHESIS_VERSION)"; then \
		python3 -m venv $(VENV) && \
		$(VENV)/bin/pip install --quiet --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)"; fi

e2e-deps:
	@if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then \
		time (cd tests/e2e && npm ci --no-audit --no-fund); fi

## The fonts the PDFs print with (Noto Serif CJK SC, and HanaMin for the rare
## name characters Noto lacks), from Debian when a file is missing. Without
## apt-get it only warns: the server still runs, PDFs answer 500 and /health
## reports documents down.
fonts:
	@for f in $(FONT_FILES); do [ -f "$$f" ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null; then \
			$(SUDO) apt-get update -qq && \
			$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FONT_PACKAGES) >/dev/null; \
		else echo "warning: install $(FONT_PACKAGES) (no apt-get here): PDFs cannot be printed without them" >&2; fi; fi

## Debian's chromium (Playwright drives it; nothing downloads a browser; it
## renders Chinese with the fonts above), and poppler/zbar that the documents
## tests inspect PDFs with.
browser: fonts
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftoppm ] || [ ! -x /usr/bin/zbarimg ]; then \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils zbar-tools >/dev/null; fi

## HAProxy (Debian's package): the balancer of tests/ops/two_instances.py,
## whose short run is part of `make test`, and the check of deploy/haproxy.cfg.
ops-deps:
	@if ! command -v haproxy >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null; fi

## Regenerate openapi/openapi.json and the SPA's typed client after an API change.
openapi:
	UPDATE_OPENAPI=1 cargo test -p cme-api --test openapi
	cd frontend && npm run gen:api

## Benchmarks (print figures; not part of `make test`).
bench:
	cargo bench -p cme-domain --bench evaluate
