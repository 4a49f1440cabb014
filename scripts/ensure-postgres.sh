#!/usr/bin/env bash
# Installs and starts a local PostgreSQL with trust authentication and a `test` database,
# for machines where none is running (CI on a fresh machine).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -n | tail -1)
conf=/etc/postgresql/$version/main
if ! grep -q "^host all all 127.0.0.1/32 trust" "$conf/pg_hba.conf"; then
  sed -i 's/^\(local\|host\)\(.*\)\(md5\|scram-sha-256\|peer\)$/\1\2trust/' "$conf/pg_hba.conf"
  echo "host all all 127.0.0.1/32 trust" >> "$conf/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main restart
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
psql -h 127.0.0.1 -U postgres -tc "select 1 from pg_database where datname='test'" | grep -q 1 || psql -h 127.0.0.1 -U postgres -c "create database test"
