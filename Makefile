# Threefold. `make run` for a local demo, `make test` for the whole suite. Needs Python >= 3.11 and nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= threefold.settings.base

.PHONY: install run test lint typecheck check worker messages clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Threefold needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: $(VENV)/.installed

# Local keys for development only: created once, readable by you alone, never committed (var/ is ignored).
var/secret.key var/master.key:
	@mkdir -p var && umask 077 && $(PYTHON) -c 'import base64,os;print(base64.b64encode(os.urandom(48 if "$@".endswith("secret.key") else 32)).decode())' > $@

run: install var/secret.key var/master.key
	THREEFOLD_DEBUG=1 THREEFOLD_DEMO=1 $(PY) manage.py migrate --noinput
	THREEFOLD_DEBUG=1 THREEFOLD_DEMO=1 $(PY) manage.py demo
	@echo "Serving http://127.0.0.1:8000  (background tasks run in this process tree; Ctrl-C stops both)"
	THREEFOLD_DEBUG=1 THREEFOLD_DEMO=1 $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	THREEFOLD_DEBUG=1 THREEFOLD_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(PY) manage.py db_worker

test: install
	DJANGO_SETTINGS_MODULE=threefold.settings.test $(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy threefold

# Regenerate translation catalogues after changing strings (needs GNU gettext); the .mo files are committed
# so a fresh machine needs no gettext to run.
messages: install var/secret.key
	cd threefold && ../$(PY) ../manage.py makemessages -l fr -l es --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
