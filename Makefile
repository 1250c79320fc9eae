# Two entry points, each doing all of its own set-up on a fresh Linux machine:
#   make app    create .venv, install requirements and the package, start the app on its embedded defaults
#   make test   create .venv, install requirements and the package, Debian's chromium and nginx, run every test
# and one for a bigger audience:
#   make serve REPLICAS=2   N app processes behind nginx on http://127.0.0.1:8080 (deploy/serve.sh)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# apt-get needs root: use sudo when we are not root and sudo exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

REPLICAS ?= 2

.PHONY: app test install browser serve

app: install
	$(BIN)/streamlit run app.py

test: install browser
	$(BIN)/python -m pytest

install: $(VENV)/.installed

# The pins first, then the package itself (editable: `shopdl` on the venv's PATH, assets found in place).
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Chromium, an emoji font and a CJK font (Chinese in screenshots) for the browser tests; nginx for the test through the proxy.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ] || [ ! -d /usr/share/fonts/opentype/noto ] || [ ! -x /usr/sbin/nginx ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji fonts-noto-cjk nginx; \
	fi

serve: install
	@[ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; }
	deploy/serve.sh $(REPLICAS)
