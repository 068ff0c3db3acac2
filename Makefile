# Two entry points for a fresh machine: `make serve` and `make test`. Everything else is set-up they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test setup browser clean

$(BIN)/hrckg: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt pip
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/hrckg

serve: setup
	$(BIN)/hrckg serve

# The browser tests drive Debian's Chromium; a CJK font makes the Chinese pages (and screenshots) readable.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; fi

test: setup browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache
