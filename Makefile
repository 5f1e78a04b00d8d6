# Two commands: `make run` and `make test`. Each installs what is missing first.
VENV := .venv
PY := $(VENV)/bin/python
APT_RUN := tesseract-ocr tesseract-ocr-eng tesseract-ocr-mri tesseract-ocr-osd
APT_TEST := $(APT_RUN) chromium fonts-dejavu-core postgresql redis-server

.PHONY: run test venv system-run system-test migrate bench lint format

run: venv system-run migrate
	$(PY) -m app.run

test: venv system-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest
	@echo "The suite again on PostgreSQL (a throwaway server; the browser tests stay on SQLite):"
	bash scripts/with-postgres.sh $(VENV)/bin/pytest -p no:cacheprovider --ignore-glob='tests/test_browser*.py'

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

system-run:
	@bash scripts/apt-install.sh $(APT_RUN)

system-test:
	@bash scripts/apt-install.sh $(APT_TEST)

migrate: venv
	$(VENV)/bin/flask --app app db upgrade

bench: venv system-test
	$(PY) bench/ingest.py
	$(PY) bench/ocr.py
	$(PY) bench/annotate.py
	$(PY) bench/redactions.py
	$(PY) bench/ragged.py
	$(PY) bench/release.py
	$(PY) bench/export.py
	$(PY) bench/load.py
	$(PY) bench/memory.py
	bash scripts/with-postgres.sh $(PY) bench/search.py
	bash scripts/with-postgres.sh $(PY) bench/scale.py

lint: venv
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
