#!/usr/bin/env bash
# Installs the system programs the test suite runs: Dovecot (IMAP server), PostgreSQL and openssl,
# from Debian's packages. Idempotent: does nothing when both are there. Python packages are scripts/venv.sh's job.
#
# The tests start their own Dovecot instances on their own ports; the system-wide service that the
# package would start is kept from starting (policy-rc.d) and stopped if it started anyway.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

packages=()
have dovecot || packages+=(dovecot-imapd)
have openssl || packages+=(openssl)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || packages+=(postgresql)
[ ${#packages[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root to install ${packages[*]}" >&2; exit 1; }
    sudo=(sudo)
fi

log=$(mktemp)
policy=/usr/sbin/policy-rc.d
cleanup() {
    rm -f "$log"
    if [ -n "${made_policy:-}" ]; then "${sudo[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

# "exit 101" tells invoke-rc.d and deb-systemd-invoke not to start services during the install.
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    made_policy=1
fi

echo "install-test-deps: installing ${packages[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
if ! { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-test-deps: apt-get failed" >&2
    exit 1
fi

# The tests run their own PostgreSQL cluster; keep the packaged one from holding port 5432.
if [[ " ${packages[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    for cluster in /etc/postgresql/*/*; do
        [ -d "$cluster" ] || continue
        "${sudo[@]}" pg_ctlcluster "$(basename "$(dirname "$cluster")")" "$(basename "$cluster")" stop 2>/dev/null || true
    done
fi

# If the system Dovecot was started anyway, stop it and keep it from starting at boot.
if [[ " ${packages[*]} " == *" dovecot-imapd "* ]]; then
    if [ -d /run/systemd/system ]; then
        "${sudo[@]}" systemctl disable --now --quiet dovecot.service dovecot.socket 2>/dev/null || true
    elif [ -e /run/dovecot/master.pid ]; then
        "${sudo[@]}" doveadm stop 2>/dev/null || true
    fi
fi
