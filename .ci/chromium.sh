#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing (Playwright drives it by path:
# no browser download), with a colour emoji font so the screenshots show the bot's emoji and a CJK font
# (fonts-noto-cjk) so Chinese and Japanese text renders instead of empty boxes.
set -euo pipefail
cjk_font() { fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; }
if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/truetype/noto ] || ! cjk_font; then
  echo "installing chromium and fonts from Debian packages (for the browser tests)" >&2
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji fonts-noto-cjk >&2
fi
