# Lumbung: one-command set-up, tests, the local cooperative and benchmarks.
# `make setup` is idempotent: each step is keyed on its lock file through a stamp in .stamps/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMPS := .stamps
# toolchain/bin first: its `anvil` gives every chain a private home that is removed after.
export PATH := $(CURDIR)/toolchain/bin:$(CURDIR)/node_modules/.bin:$(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

PYTEST := $(BIN)/python -m pytest -W ignore::FutureWarning
# Debian packages the test suite needs (oracles, browsers, databases).
TEST_APT_PACKAGES := ipfs-cid postgresql chromium age

.PHONY: help setup dapp setup-test compile lint test test-api test-browser test-contracts test-ganache test-forge test-ipfs slither times deploy run bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

setup: $(STAMPS)/python $(STAMPS)/npm $(STAMPS)/dapp ## venv, Python and npm deps from their locks, offline solc, networks, brownie fixes
	@toolchain/register-solc.sh
	@$(BIN)/python toolchain/networks.py
	@$(BIN)/python toolchain/patch-brownie.py

$(STAMPS)/python: requirements.lock pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(STAMPS)/npm: package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

dapp: $(STAMPS)/dapp ## bundle the wallet dApp into dapp/dist (esbuild, offline)

$(STAMPS)/dapp: $(STAMPS)/npm package-lock.json $(shell find dapp/src dapp/build.mjs -type f 2>/dev/null)
	node dapp/build.mjs
	@touch $@

setup-test: setup $(STAMPS)/apt $(STAMPS)/schemathesis ## setup plus what only the tests use

# schemathesis needs a newer hypothesis than brownie pins, so it lives in a venv of its own.
$(STAMPS)/schemathesis: toolchain/schemathesis.lock
	@mkdir -p $(STAMPS)
	@test -x .venv-schemathesis/bin/python || $(PYTHON) -m venv .venv-schemathesis
	.venv-schemathesis/bin/pip install --quiet --no-deps -r toolchain/schemathesis.lock
	@touch $@

$(STAMPS)/apt: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@touch $@

compile: $(SETUP) ## compile the contracts (offline)
	brownie compile

lint: $(SETUP) ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

# What `make test` runs; `make times` times each of them, one after the other.
TEST_TARGETS := lint compile test-ipfs test-api test-browser test-contracts test-ganache test-forge slither
# What a fresh clone lacks once set up: the build and the tools' caches (`make times` cold).
CACHES := build reports .pytest_cache .hypothesis .mypy_cache .ruff_cache .forge
# `make test` in phases. The suites that keep both cores busy (the API, the contracts, forge)
# run alone; single-threaded steps share a phase: the installers, then mypy and solc-js beside
# the IPFS tests, then Slither beside the browser. (Ganache stays apart: it loads the brownie
# project, which may rewrite build/ while the browser suite deploys from it.) The set-up and
# the build are made once: SKIP_PREP=1 drops them from each suite's prerequisites.
SYNC := --no-print-directory --output-sync=target
SETUP := $(if $(SKIP_PREP),,setup)
SETUP_TEST := $(if $(SKIP_PREP),,setup-test)
COMPILED := $(if $(SKIP_PREP),,compile)

test: ## everything CI runs
	$(MAKE) $(SYNC) -j3 setup-test
	$(MAKE) $(SYNC) -j3 SKIP_PREP=1 lint compile test-ipfs
	$(MAKE) $(SYNC) SKIP_PREP=1 test-api test-contracts
	$(MAKE) $(SYNC) -j2 SKIP_PREP=1 test-browser slither
	$(MAKE) $(SYNC) SKIP_PREP=1 test-ganache test-forge
	anvil --lumbung-reap

times: setup-test ## time every test target cold, then warm, into bench/test-times.json (LABEL=name)
	$(BIN)/python toolchain/time_tests.py --label $(or $(LABEL),current) --cold --caches "$(CACHES)" $(TEST_TARGETS)
	$(BIN)/python toolchain/time_tests.py --label $(or $(LABEL),current) $(TEST_TARGETS)
	anvil --lumbung-reap

test-ipfs: $(SETUP_TEST) ## the IPFS layer (no chain)
	$(PYTEST) tests/ipfs -p no:pytest-brownie -q -n 2

test-api: $(SETUP_TEST) $(COMPILED) ## the API against Anvil, on SQLite and PostgreSQL
	$(PYTEST) tests/api tests/bench tests/buyer -p no:pytest-brownie -q -n 2

test-browser: $(SETUP_TEST) $(COMPILED) ## the dApp in headless chromium against the whole cooperative
	$(PYTEST) tests/browser -p no:pytest-brownie -q

# CONTRACT_WORKERS chains side by side (0: one chain, no worker processes). Brownie's xdist
# support gives worker k the network's port + k (8555, and 8556, Ganache's port, free while
# this runs) and each worker whole files, whose module fixtures it deploys once.
# LUMBUNG_CHAIN_PORT moves the ports (tests/conftest.py).
CONTRACT_WORKERS ?= 2
test-contracts: $(COMPILED) ## the contracts and the brownie scripts on Anvil (CONTRACT_WORKERS=2 chains)
	$(PYTEST) tests/contracts tests/scripts --network anvil -q -n $(CONTRACT_WORKERS)

test-ganache: $(COMPILED) ## the toolchain proof on Ganache (hardfork shanghai): a contract and both deploy paths
	$(PYTEST) tests/contracts/ContributionToken tests/scripts/test_deploy.py --network ganache-cli -q

# Forge (npm @foundry-rs/forge-linux-amd64) compiles with the same registered solc-js, whose path
# depends on $HOME. Its config lives in test/foundry: a foundry.toml at the root would make
# crytic-compile treat the repo as a Foundry project and Slither read forge's output.
FORGE_ENV = FOUNDRY_CONFIG=test/foundry/foundry.toml FOUNDRY_SOLC=$(HOME)/.solcx/solc-v$(SOLC_VERSION)
test-forge: $(SETUP) ## Foundry invariant suites with adversarial handlers, and their regressions (bounded)
	$(FORGE_ENV) FOUNDRY_INVARIANT_RUNS=48 FOUNDRY_INVARIANT_DEPTH=128 forge test

# Slither compiles through the same solc-js in one standard-JSON run. (Its brownie platform
# cannot follow OpenZeppelin's re-export files, which leave no brownie artifact.)
SOLC_VERSION = $(shell node -p "require('./node_modules/solc/package.json').version" 2>/dev/null)
slither: $(SETUP) ## static analysis; fails on any medium or high finding
	slither contracts/ --solc $(HOME)/.solcx/solc-v$(SOLC_VERSION) --solc-standard-json \
	  --solc-remaps "@openzeppelin/contracts=node_modules/@openzeppelin/contracts" \
	  --solc-args "--allow-paths ." --filter-paths "node_modules|contracts/test" \
	  --exclude-informational --exclude-low --fail-medium

deploy: setup compile ## deploy the governed cooperative: make deploy NETWORK=sepolia-rpc BOOTSTRAP=file.json (asks first)
	@test -n "$(NETWORK)" || { echo "usage: make deploy NETWORK=<brownie network id> BOOTSTRAP=<bootstrap.json>" >&2; exit 2; }
	@# Brownie records live deployments by chain id under build/deployments and refuses to load
	@# when a recorded contract has no code. A local chain's id (Anvil 31337, Ganache 1337)
	@# outlives its contracts, so drop those records; ours are in deployments/<network>.json.
	rm -rf build/deployments/31337 build/deployments/1337
	$(if $(BOOTSTRAP),LUMBUNG_BOOTSTRAP=$(abspath $(BOOTSTRAP))) brownie run scripts/deploy.py --network $(NETWORK)

run: setup ## the local cooperative: chain, API + dApp, indexer, worker (DEMO=1 seeds a demo)
	DEMO=$(DEMO) CURRENCY=$(CURRENCY) toolchain/run-local.sh

bench: setup-test compile ## benchmarks; figures go to bench/*.json (QUICK=1 for a short run)
	$(BIN)/python bench/bench_ipfs.py $(if $(QUICK),--quick,)
ifndef QUICK  # the gas figures and the deep random-sequence runs take ~15 min; QUICK keeps gas.json
	$(BIN)/python -m bench.bench_gas
	LUMBUNG_STATEFUL_EXAMPLES=30 LUMBUNG_STATEFUL_STEPS=50 \
	  $(PYTEST) tests/contracts/integration --network anvil -q
	$(FORGE_ENV) $(BIN)/python bench/bench_invariants.py
endif
	$(BIN)/python -m bench.member_year
	$(BIN)/python -m bench.bench_api $(if $(QUICK),--quick,)
	$(BIN)/python -m bench.simulate $(if $(QUICK),--quick,)
	anvil --lumbung-reap

clean: ## remove everything generated (keeps .lumbung/, the local chain's data)
	rm -rf $(CACHES) $(STAMPS)
