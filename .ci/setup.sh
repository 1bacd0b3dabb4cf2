#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root),
# then the project itself. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
# Go standard library sources (real-code corpus) and x/tools analyzer testdata (conformance).
[ -d /usr/share/go-1.19/src ] || apt_packages+=(golang-1.19-src)
[ -d /usr/share/gocode/src/golang.org/x/tools/go/analysis/passes ] || apt_packages+=(golang-golang-x-tools-dev)
# staticcheck's testdata (bench/staticcheck_conformance.py, tests/test_staticcheck_conformance.py).
[ -d /usr/share/gocode/src/honnef.co/go/tools/staticcheck/testdata ] || apt_packages+=(golang-honnef-go-tools-dev)
# Headless browser for the portal tests (Playwright drives Debian's Chromium).
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
command -v git >/dev/null 2>&1 || apt_packages+=(git)
python3 -m pip --version >/dev/null 2>&1 || apt_packages+=(python3-pip python3-venv)
# libseccomp: the contained worker that runs trusted packs' Python rules (analyzer/sandbox/seccomp.py).
ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || apt_packages+=(libseccomp2)
# A C compiler and Python's headers: installing the project compiles its Go grammar (setup.py).
command -v cc >/dev/null 2>&1 || apt_packages+=(gcc libc6-dev)
python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("include"), "Python.h")))' || apt_packages+=(python3-dev)
command -v pg_isready >/dev/null 2>&1 || apt_packages+=(postgresql postgresql-client)
# Redis on 127.0.0.1:6379 for the shared rate-limit tests (tests/rulehub/test_rulehub_shared_rate_limit.py).
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
redis_up || { command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || apt_packages+=(redis-server)

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

# Redis without persistence (the tests' keys are throwaway), started unless one already answers.
if ! redis_up; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi
redis_up || { echo "setup.sh: Redis does not answer on 127.0.0.1:6379 (see /var/log/redis/ci.log)" >&2; exit 1; }

# The suite runs on this machine's python3 (.ci/run); Debian marks it externally managed,
# and a CI machine is throwaway, so the project goes into it anyway there.
pip_flags=()
[ -f "$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')/EXTERNALLY-MANAGED" ] && pip_flags+=(--break-system-packages)
python3 -m pip install -q --disable-pip-version-check "${pip_flags[@]}" -e '.[hub,test]'
