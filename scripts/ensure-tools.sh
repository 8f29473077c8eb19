#!/usr/bin/env bash
# Makes sure the tools 'make test' needs beyond Go are installed: Chromium for
# the browser tests and Node.js for running js/wasm tests. As root with
# apt-get it installs what is missing; otherwise it prints the command and fails.
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
  missing+=(chromium)
fi
command -v node >/dev/null 2>&1 || missing+=(nodejs)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "make test needs ${missing[*]}, which is not installed. Install it with:" >&2
echo "    sudo apt-get install -y ${missing[*]}" >&2
exit 1
