#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root),
# then the project itself. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
# Go standard library sources (real-code corpus) and x/tools analyzer testdata (conformance).
[ -d /usr/share/go-1.19/src ] || apt_packages+=(golang-1.19-src)
[ -d /usr/share/gocode/src/golang.org/x/tools/go/analysis/passes ] || apt_packages+=(golang-golang-x-tools-dev)
# Headless browser for the portal tests (Playwright drives Debian's Chromium).
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
command -v git >/dev/null 2>&1 || apt_packages+=(git)
command -v pg_isready >/dev/null 2>&1 || apt_packages+=(postgresql postgresql-client)

if [ ${#apt_packages[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432 with trust auth for the RuleHub tests.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    version=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q "gocheck-ci" "$hba"; then
        sed -i '1i host all all 127.0.0.1/32 trust # gocheck-ci\nhost all all ::1/128 trust # gocheck-ci\nlocal all all trust # gocheck-ci' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
