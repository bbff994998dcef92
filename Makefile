SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: run test lint venv static messages makemessages clean bench load backup restore fuzz security

run: venv static messages
	scripts/install_system_deps.sh run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	exec scripts/run_all.sh

test: venv static messages
	scripts/install_system_deps.sh
	DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/with_services.sh $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

static:
	scripts/vendor_static.sh

messages: venv
	$(PY) scripts/compile_messages.py

# After changing strings: extract them (needs gettext), translate the new ones, then `make messages`.
makemessages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=frontend --ignore=var

clean:
	rm -rf $(VENV) static/vendor frontend/node_modules staticfiles

# The benchmark at scale: sweep, dashboard, list API under gunicorn + wrk, indicator import, bulletin PDF, each
# against its baseline, and the mixed load test at the size nearest 20,000 (sizes: BENCH_SIZES="2000,20000" for a
# quick run); writes bench/report.md and growth.png.
bench: venv static
	scripts/install_system_deps.sh && DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/with_services.sh $(PY) bench/run.py

# The mixed load test alone: 20,000 generated projects (LOAD_PROJECTS=N for another size), then lists, details, the
# leadership dashboard and indicator submissions at once for 120 s (LOAD_SECONDS) through gunicorn (2 workers), one
# wrk per kind; fails on any 5xx, non-2xx or lost write. Writes bench/load.md and bench/out/load-<n>.json.
load: venv static
	scripts/install_system_deps.sh && DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/with_services.sh $(PY) bench/load.py

# The API contract in full: schemathesis with all its checks and phases, 100 examples an operation, as a user of
# each role, against gunicorn on a seeded copy of the test database (make test runs a bounded pass). Failures and
# timings per role in var/contract/<role>-full.txt; API_FUZZ_MAX_EXAMPLES and API_FUZZ_SEED to vary.
fuzz: venv
	scripts/install_system_deps.sh && DJANGO_ALLOW_ASYNC_UNSAFE=true API_FUZZ=full scripts/with_services.sh \
		$(PY) -m pytest -p no:cacheprovider -n 2 -rA core/tests/test_api_contract.py

# Static security: bandit (medium and high severity) over the apps, a secret scan of the files git would commit,
# pip-audit (saying plainly when its vulnerability database cannot be reached), and check --deploy.
security: venv
	$(PY) -m pytest -p no:cacheprovider -rA core/tests/test_security_scans.py \
		core/tests/test_web_shell.py::test_check_deploy_is_clean_under_production_settings

# The database (PostgreSQL: pg_dump -Fc; the embedded SQLite: its online backup) and the uploaded files, into
# var/backups/<time>/ (BACKUP_ROOT=... for elsewhere); reads DATABASE_URL and DJANGO_MEDIA_ROOT as the app does.
backup:
	scripts/backup.sh

# make restore BACKUP=var/backups/<time>: replaces the database and the files (asks first, unless YES=1; stop the
# app before).
restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> [YES=1]" >&2; exit 2; }
	scripts/restore.sh $(if $(YES),--yes) "$(BACKUP)"
