# The README's two commands: `make run` and `make test`. Everything they need
# they install themselves (npm packages; Debian's chromium for browser tests).

SHELL := /bin/bash
.DEFAULT_GOAL := run

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
CME := $(TARGET_DIR)/debug/cme
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test frontend-deps frontend-build e2e-deps browser openapi bench

## Build everything and serve the SPA and the API on SQLite, with demo data.
run: frontend-build
	cargo build -p cme-server
	mkdir -p data
	$(CME) demo --if-empty
	$(CME) serve

## fmt, clippy, every Rust test (SQLite; PostgreSQL too when TEST_DATABASE_URL
## is set), the SPA's type check, client drift check, Vitest, build, the
## database-outage fault test (a PostgreSQL instance of its own) and Playwright.
test: frontend-deps e2e-deps browser
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace
	cd frontend && npm run check:api && npm run typecheck && npm test && npm run build
	cargo build -p cme-server
	python3 tests/faults/db_outage.py $(CME)
	tests/e2e/run.sh $(CME)

frontend-deps:
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		cd frontend && npm ci --no-audit --no-fund; fi

frontend-build: frontend-deps
	cd frontend && npm run build

e2e-deps:
	@if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then \
		cd tests/e2e && npm ci --no-audit --no-fund; fi

## Debian's chromium (Playwright drives it; nothing downloads a browser), the
## CJK fonts it and the PDFs render Chinese with, and poppler/zbar that the
## documents tests inspect PDFs with.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ] || \
		[ ! -x /usr/bin/pdftoppm ] || [ ! -x /usr/bin/zbarimg ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils zbar-tools >/dev/null; fi

## Regenerate openapi/openapi.json and the SPA's typed client after an API change.
openapi:
	UPDATE_OPENAPI=1 cargo test -p cme-api --test openapi
	cd frontend && npm run gen:api

## Benchmarks (print figures; not part of `make test`).
bench:
	cargo bench -p cme-domain --bench evaluate
