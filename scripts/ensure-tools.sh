#!/usr/bin/env bash
# Makes sure the tools 'make test' needs beyond Go are installed: Chromium for
# the browser tests, fonts for Thai, Arabic, CJK and colour emoji (the
# browser tests check that canvas text in those scripts draws real glyphs),
# and Node.js for running js/wasm tests. As root with apt-get it installs
# what is missing; otherwise it prints the command and fails.
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
  missing+=(chromium)
fi
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# Debian font packages, each detected by one family it provides.
for pkg_family in "fonts-noto-core:Noto Sans Thai" "fonts-noto-cjk:Noto Sans CJK SC" "fonts-noto-color-emoji:Noto Color Emoji"; do
  pkg=${pkg_family%%:*} family=${pkg_family#*:}
  if ! { command -v fc-list >/dev/null 2>&1 && fc-list ":family=$family" family | grep -q .; } &&
     ! dpkg -s "$pkg" >/dev/null 2>&1; then
    missing+=("$pkg")
  fi
done
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
