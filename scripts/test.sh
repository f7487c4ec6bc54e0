#!/usr/bin/env bash
# Installs everything the test suite needs from this repo's own files, then runs the whole suite.
# Used as-is by the README and by CI (.ci/run). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CASEMINER_VENV:-.venv}
PG_BIN=/usr/lib/postgresql/15/bin

# PostgreSQL 15 (Debian) for the store tests on a real server, libpq-dev to build psycopg2 (hgvs needs it);
# chromium and its chromedriver for the review page's browser test (tests/review/test_browser.py).
APT_PACKAGES=()
if [ ! -x "$PG_BIN/initdb" ] || ! command -v pg_config >/dev/null 2>&1; then
  APT_PACKAGES+=(postgresql libpq-dev)
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  APT_PACKAGES+=(chromium chromium-driver)
fi
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "== installing Debian packages: ${APT_PACKAGES[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
fi
echo "== installing caseminer with test extras"
"$VENV/bin/pip" install -q --disable-pip-version-check -e '.[test]'

echo "== lint"
"$VENV/bin/ruff" check caseminer tests benchmarks scripts

echo "== tests"
exec "$VENV/bin/pytest" -p no:cacheprovider "$@"
