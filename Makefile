# Two entry points, each doing all of its own set-up on a fresh Linux machine:
#   make app    create .venv, install requirements, start the app on its embedded defaults
#   make test   create .venv, install requirements and Debian's chromium, run every test
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# apt-get needs root: use sudo when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: app test install browser

app: install
	$(BIN)/streamlit run app.py

test: install browser
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji; \
	fi
