# Mentorwijzer: a Dutch assistant that recommends training, coaching or mentoring.
# `make run` and `make test` are all a new machine needs (see README.md).

SHELL := /bin/bash
PYTHON ?= python3
RASA_VENV := .venv-rasa
APP_VENV := .venv
# Rasa with our speed-ups applied first (bot/rasa_server.py): the same for every target.
RASA := $(RASA_VENV)/bin/python -m bot.rasa_server
SPACY_MODEL := build/spacy_nl
MODEL := models/current.tar.gz

# Settings with safe single-machine defaults; override in the environment.
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
# Follows ACTIONS_PORT, as `make run` does (bot/run/programs.py).
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(or $(ACTIONS_PORT),5055)/webhook

TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(SPACY_MODEL)/meta.json

.PHONY: help run test install spacy train validate test-unit test-service test-stories test-e2e test-browser chromium nginx bench lint migrate purge staff-add staff-password staff-deactivate staff-list chat shell clean
.DEFAULT_GOAL := help

help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# scripts/run.sh migrates the database itself: it knows which one (VAR_DIR, DATABASE_URL).
run: install train ## Install, build, train if stale, start and supervise Rasa (5005), actions (5055), lead service (8000)
	@scripts/run.sh

test: install ## Run every test: data validation, lint, unit, lead service, test stories, end-to-end; then each one's duration
	@scripts/test-suites.sh train validate lint test-unit test-service test-stories test-e2e test-browser

install: $(RASA_VENV)/.installed $(APP_VENV)/.installed node_modules/.installed ## Both virtual environments and the widget's npm package, from the lock files

# Rasa 3.6 declares Python <3.11; the lock pins everything, so skip both checks.
$(RASA_VENV)/.installed: requirements/rasa.lock
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --upgrade pip==24.2
	$(RASA_VENV)/bin/pip install --quiet --ignore-requires-python --no-deps -r requirements/rasa.lock
	touch $@

$(APP_VENV)/.installed: requirements/app.lock
	$(PYTHON) -m venv $(APP_VENV)
	$(APP_VENV)/bin/pip install --quiet --upgrade pip==24.2
	$(APP_VENV)/bin/pip install --quiet -r requirements/app.lock
	touch $@

# socket.io-client's browser bundle, served by the lead service at /widget/socket.io.min.js.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

spacy: $(SPACY_MODEL)/meta.json ## Build the Dutch spaCy pipeline

$(SPACY_MODEL)/meta.json: bot/nlp/build_spacy_nl.py bot/nlp/pipeline.py $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python -m bot.nlp.build_spacy_nl $(SPACY_MODEL)

train: $(MODEL) ## Train the model if data or config changed

$(MODEL): $(TRAINING_INPUTS) $(RASA_VENV)/.installed
	$(RASA) train --fixed-model-name current --out models --quiet
	touch $@

validate: install spacy ## Check the training data for conflicts
	$(RASA) data validate --fail-on-warnings --quiet

# Unit and service tests are independent of each other: one worker per core, a test file per worker.
PARALLEL := -n auto --dist loadfile

test-unit: install ## Unit tests (recommender, guard, actions): milliseconds each
	$(APP_VENV)/bin/pytest tests/unit -q $(PARALLEL)

test-service: install ## Lead service API on SQLite and PostgreSQL, real SMTP, schemathesis
	$(APP_VENV)/bin/pytest tests/service -q $(PARALLEL)

test-stories: install train ## Test stories against the trained dialogue policies
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out var/results/stories

test-e2e: install train nginx ## Real Rasa + action servers, Dutch conversations over REST; faults, load, scale-out
	$(APP_VENV)/bin/pytest tests/e2e -q

chromium: ## Headless Chromium for the browser tests (Debian packages chromium, chromium-driver)
	@scripts/ensure-debian-packages.sh /usr/bin/chromium chromium chromium-driver fonts-dejavu-core

nginx: ## nginx for the scale-out test, which runs deploy/nginx.conf in front of two Rasa instances
	@scripts/ensure-debian-packages.sh /usr/sbin/nginx nginx-light

test-browser: install train chromium ## The chat widget in headless Chromium against the whole stack
	$(APP_VENV)/bin/pytest tests/browser -q

bench: install train ## NLU held-out scores, personas, latency -> docs/benchmarks.md
	$(APP_VENV)/bin/python -m tests.bench.run

lint: install ## Ruff over our own code
	$(APP_VENV)/bin/ruff check bot actions tests migrations

migrate: install ## Create or upgrade the lead database (SQLite by default, DATABASE_URL otherwise)
	$(APP_VENV)/bin/python -m bot.service.cli migrate

purge: install ## Delete leads older than RETENTION_DAYS (schedule this daily)
	$(APP_VENV)/bin/python -m bot.service.cli purge


staff-add: install migrate ## Create a staff account: make staff-add EMAIL=a@b.nl NAME="Naam" ROLE=mentor|admin (asks the password)
	$(APP_VENV)/bin/python -m bot.service.cli create-staff --email "$(EMAIL)" --name "$(NAME)" --role "$(or $(ROLE),mentor)"

staff-password: install ## New password for a staff account (ends its sessions): make staff-password EMAIL=a@b.nl
	$(APP_VENV)/bin/python -m bot.service.cli set-password --email "$(EMAIL)"

staff-deactivate: install ## Deactivate a staff account and log it out everywhere: make staff-deactivate EMAIL=a@b.nl
	$(APP_VENV)/bin/python -m bot.service.cli deactivate --email "$(EMAIL)"

staff-list: install ## List the staff accounts
	$(APP_VENV)/bin/python -m bot.service.cli list-staff

chat: ## Talk to the running assistant in this terminal (over REST, as a visitor would)
	@$(APP_VENV)/bin/python -m bot.cli_chat

shell: install train ## Rasa's own shell (needs the action server from `make run`, and its token)
	eval "$$($(APP_VENV)/bin/python -m bot.local_secrets ACTION_SERVER_TOKEN)" && \
	  $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

clean: ## Remove built and generated files (keeps the virtual environments)
	rm -rf build models/*.tar.gz var/results .pytest_cache
