#!/usr/bin/env bash
# Install the browser the status page's browser tests drive: Debian's chromium package.
#
# Playwright drives it through executable_path=/usr/bin/chromium, so Playwright's own browser
# download (`playwright install`) is never needed. Idempotent: nothing happens when chromium is
# already there. Run as root on Debian 12 (CI), or as a user who already has the package.
set -euo pipefail

log() { printf '[install-browser] %s\n' "$*"; }

if command -v chromium >/dev/null 2>&1; then
    log "chromium already present: $(chromium --version 2>/dev/null || echo unknown version)"
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    log "chromium is missing; run this script as root (or apt-get install chromium)" >&2
    exit 1
fi
log "apt-get install chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
log "done: $(chromium --version 2>/dev/null || echo chromium)"
