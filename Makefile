SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: run test lint venv static messages makemessages clean bench

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

# The compliance-sweep benchmark (sizes: BENCH_SIZES="2000,20000" for a quick run); writes bench/report.md.
bench: venv
	scripts/install_system_deps.sh && DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/with_services.sh $(PY) bench/run.py
