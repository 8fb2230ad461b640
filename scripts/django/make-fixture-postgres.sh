#!/usr/bin/env bash
# Writes packages/drizzle/test/fixtures/django.postgres.sql: the same Django project as
# make-fixture.py (Django 3.2, DRF 3.14, same users, tokens and hashes), migrated into a real
# Postgres by Django itself and dumped with pg_dump as plain INSERTs, so a test loads it with
# any client and CI needs no Python. Needs: apt-get install -y postgresql python3-django
# python3-djangorestframework python3-psycopg2. Run as root or as a user who may run initdb.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d)
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
chown postgres:postgres "$dir"
pg() { runuser -u postgres -- "$@"; }
pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
port=55432
pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" -w start >/dev/null
pg "$bin/psql" -h "$dir" -p $port -U postgres -qc 'CREATE DATABASE django'
DJANGO_DATABASE_URL="postgres://postgres@127.0.0.1:$port/django" /usr/bin/python3 scripts/django/make-fixture.py
pg "$bin/pg_dump" -h "$dir" -p $port -U postgres --inserts --no-owner --no-privileges django \
  | grep -v -e '^--' -e '^\\' | cat -s > packages/drizzle/test/fixtures/django.postgres.sql
echo "wrote packages/drizzle/test/fixtures/django.postgres.sql ($(wc -c < packages/drizzle/test/fixtures/django.postgres.sql) bytes)"
