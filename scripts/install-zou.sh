#!/usr/bin/env bash
# Install what the test suite needs to run a real Zou (Kitsu's API server):
#   * Debian packages: postgresql, redis-server, ffmpeg (system services are
#     NOT used: the test harness starts its own throwaway processes, so a
#     stopped or disabled postgresql/redis service is fine);
#   * a dedicated virtualenv with zou, kept apart from the project venv because
#     zou pins many libraries.
#
# Idempotent: safe to run again; already present pieces are skipped.
# Run as root on Debian 12 (CI), or as a user who already has the packages.
#
# Environment:
#   SYNCD_ZOU_VENV    where to create the zou venv (default ~/.cache/syncd/zou-venv)
#   SYNCD_ZOU_VERSION zou release to install (default 1.0.97)
#   PYTHON            interpreter used to create the venv (default python3)
set -euo pipefail

ZOU_VENV="${SYNCD_ZOU_VENV:-$HOME/.cache/syncd/zou-venv}"
ZOU_VERSION="${SYNCD_ZOU_VERSION:-1.0.97}"
PYTHON="${PYTHON:-python3}"

log() { printf '[install-zou] %s\n' "$*"; }

have_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
        && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

# --- Debian packages --------------------------------------------------------
missing=()
have_postgres || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        log "missing packages: ${missing[*]}; run this script as root (or install them)" >&2
        exit 1
    fi
    # The packages' services are not needed: keep apt from starting them
    # (harmless where they cannot start, e.g. machines without systemd).
    policy=/usr/sbin/policy-rc.d
    created_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        created_policy=1
    fi
    cleanup_policy() { if ((created_policy)); then rm -f "$policy"; fi; }
    trap cleanup_policy EXIT
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
    cleanup_policy
    trap - EXIT
else
    log "postgresql, redis-server and ffmpeg already present"
fi

# The harness runs PostgreSQL as this user (it refuses to run as root).
if ! id postgres >/dev/null 2>&1; then
    log "the 'postgres' system user is missing (package postgresql should create it)" >&2
    exit 1
fi

# --- zou virtualenv -----------------------------------------------------------
zou_ok() {
    [[ -x $ZOU_VENV/bin/python && -x $ZOU_VENV/bin/gunicorn ]] \
        && "$ZOU_VENV/bin/python" - "$ZOU_VERSION" <<'EOF' >/dev/null 2>&1
import importlib.util
import sys
from importlib.metadata import version
# zou.app refuses to import without a SECRET_KEY: only check that it is there.
ok = importlib.util.find_spec("zou.cli") is not None and version("zou") == sys.argv[1]
sys.exit(0 if ok else 1)
EOF
}

if zou_ok; then
    log "zou $ZOU_VERSION already installed in $ZOU_VENV"
else
    log "creating $ZOU_VENV with zou==$ZOU_VERSION"
    mkdir -p "$(dirname "$ZOU_VENV")"
    if [[ ! -x $ZOU_VENV/bin/python ]]; then
        "$PYTHON" -m venv "$ZOU_VENV"
    fi
    "$ZOU_VENV/bin/python" -m pip install --quiet --upgrade pip wheel
    "$ZOU_VENV/bin/python" -m pip install --quiet "zou==$ZOU_VERSION"
    if ! zou_ok; then
        log "zou is still not importable from $ZOU_VENV" >&2
        exit 1
    fi
fi

log "done: SYNCD_ZOU_VENV=$ZOU_VENV"
