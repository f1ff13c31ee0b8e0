#!/usr/bin/env bash
# Regenerates api/migrations/versions/0001_initial.py from api/models.py.
# The schema has not been released yet, so there is one initial migration; once a release ships,
# new changes get their own revision (alembic revision --autogenerate) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f api/migrations/versions/0001_initial.py
.venv/bin/python - "$tmp/empty.db" <<'PY'
import sys
from alembic import command
from api.db import alembic_config
config = alembic_config(f"sqlite:///{sys.argv[1]}")
command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
PY
mv api/migrations/versions/0001_initial_schema.py api/migrations/versions/0001_initial.py
.venv/bin/ruff format -q api/migrations/versions/0001_initial.py
.venv/bin/ruff check -q --fix api/migrations/versions/0001_initial.py || true
