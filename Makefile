# The two commands a newcomer needs: `make run` and `make test`. See README.md and docs/development.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install deps setup run test test-fast lint format messages clean bench prod-smoke

$(INSTALLED): requirements.txt requirements-dev.txt pyproject.toml
	@PYTHON=$(PYTHON) scripts/system-deps python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(INSTALLED)

install: $(INSTALLED)

# System packages (Chromium, fonts, ffmpeg, gettext, nginx, ...) installed with apt-get when
# missing, or the one command to run printed (scripts/system-deps). `make deps`: all of them.
deps: deps-ci
deps-%:
	@PYTHON=$(PYTHON) scripts/system-deps $*

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo

# Web server and a real Celery worker (and beat) side by side; Ctrl-C stops all of them.
run: deps-run setup
	@echo ""
	@echo "  Platform:      http://$(HOST):$(PORT)/"
	@echo "  Sign in:       http://$(HOST):$(PORT)/accounts/login/  (SMS codes appear in this terminal)"
	@echo "  Staff sign-in: http://$(HOST):$(PORT)/accounts/staff/login/"
	@echo "  Content admin: http://$(HOST):$(PORT)/admin/"
	@echo "  Health:        http://$(HOST):$(PORT)/healthz"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 \
		-Q default,imports,media & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist), at most four: each has its own test
# database, folders, cache and queue (site/config/settings/test.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# deps-test first: what the machine lacks (Chromium, fonts, ffmpeg, gettext, PostgreSQL's initdb).
test: deps-test install
	$(PYTEST)

# The quick loop while working: everything but the slow, worker and browser tests.
test-fast: deps-test install
	$(PYTEST) -m "not slow and not browser and not worker"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: deps-messages install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The production deployment (nginx from docker/nginx/, gunicorn with the production settings,
# Celery, two web nodes) started on this machine without Docker and checked over HTTPS
# (tests/smoke/prod_smoke.py). Needs PostgreSQL and Redis running; deps-prod-smoke brings nginx.
prod-smoke: deps-prod-smoke install
	$(BIN)/python -m tests.smoke.prod_smoke

# Province-scale benchmarks (tests/bench/), apart from the test suite: PostgreSQL only, in a
# database of their own, printing ratios against a floor measured in the same run.
# BENCH_SCALE=0.01 for a quick run (full scale on 2 cores: ~2–3 min to generate, ~10 to measure).
BENCH_SCALE ?= 1
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/yufang_bench

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.database
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py createcachetable
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.generate --scale $(BENCH_SCALE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_coverage
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_media
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_publicity
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m tests.bench.bench_checkin
	@# How the dashboard grows (three generated provinces and the full one): full runs only.
	@if [ "$(BENCH_SCALE)" = "1" ]; then $(BIN)/python -m tests.bench.scaling; fi
	$(BIN)/python -m tests.bench.summary

clean:
	rm -rf var/test-db-*.sqlite3* var/test-celery var/test-media
