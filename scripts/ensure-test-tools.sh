#!/usr/bin/env bash
# Installs what the tests need and npm cannot provide, from Debian's packages:
# chromium for the browser tests (nothing downloads a browser build of its own) and
# LibreOffice Calc, which opens the annual-return workbook as a spreadsheet user would.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} for the tests..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) >&2
  else
    echo "The tests need Debian's ${missing[*]}: run 'sudo apt-get install ${missing[*]}'." >&2
    exit 1
  fi
fi
