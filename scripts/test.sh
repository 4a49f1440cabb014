#!/usr/bin/env bash
# The test command (npm test): type-check, lint (typescript-eslint), then the whole suite on the database that
# DATABASE_URL names (PostgreSQL) or, when unset, on embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-test-tools.sh
npx tsc -p tsconfig.json
npm run lint
npx vitest run "$@"
