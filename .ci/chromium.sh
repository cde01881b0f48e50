#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing (Playwright drives it by path:
# no browser download), with a colour emoji font so the screenshots show the bot's emoji.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/truetype/noto ]; then
  echo "installing chromium from Debian packages (for the browser tests)" >&2
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >&2
fi
