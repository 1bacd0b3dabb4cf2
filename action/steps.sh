#!/usr/bin/env bash
# The shell steps of action.yml, one per sub-command, so they run (and are tested) outside
# GitHub too. Inputs arrive as INPUT_* variables, results go to $GITHUB_OUTPUT.
#
#   steps.sh install   # a virtual environment with gocheck: this action's own version, or INPUT_VERSION
#   steps.sh run       # gocheck with GitHub annotations and a SARIF file; never fails the step itself
#   steps.sh finish    # exit with gocheck's code (findings exit 0 when INPUT_FAIL_ON_FINDINGS is false)
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
output="${GITHUB_OUTPUT:-/dev/null}"
venv="${GOCHECK_ACTION_VENV:-${RUNNER_TEMP:-/tmp}/gocheck-action-venv}"

case "${1:-}" in
install)
    python3 -m venv "$venv"
    if [ -n "${INPUT_VERSION:-}" ]; then
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "gocheck-lint==${INPUT_VERSION}"
    else
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "$action_path"
    fi
    "$venv/bin/gocheck" --version
    echo "gocheck=$venv/bin/gocheck" >>"$output"
    ;;
run)
    gocheck="${GOCHECK:-$venv/bin/gocheck}"
    sarif="${INPUT_SARIF_FILE:-gocheck.sarif}"
    cd "${INPUT_WORKING_DIRECTORY:-.}"
    args=(--format github --format "sarif:$sarif")
    if [ -n "${INPUT_NEW_FROM_REV:-}" ]; then
        args+=(--new-from-rev "$INPUT_NEW_FROM_REV")
    fi
    read -r -a extra <<<"${INPUT_ARGS:-}"
    read -r -a patterns <<<"${INPUT_PATTERNS:-./...}"
    set +e
    "$gocheck" "${args[@]}" "${extra[@]}" "${patterns[@]}"
    code=$?
    set -e
    echo "exit-code=$code" >>"$output"
    if [ -f "$sarif" ]; then
        echo "sarif-file=$(cd "$(dirname "$sarif")" && pwd)/$(basename "$sarif")" >>"$output"
    fi
    ;;
finish)
    code="${GOCHECK_EXIT_CODE:-3}"
    if [ "$code" = 1 ] && [ "${INPUT_FAIL_ON_FINDINGS:-true}" != "true" ]; then
        echo "gocheck: findings reported as annotations; fail-on-findings is off"
        exit 0
    fi
    case "$code" in
    0) ;;
    1) echo "gocheck: findings (see the annotations and the code scanning alerts)" >&2 ;;
    2) echo "gocheck: usage or configuration error (see the log above)" >&2 ;;
    *) echo "gocheck: internal error, exit code $code (see the log above)" >&2 ;;
    esac
    exit "$code"
    ;;
*)
    echo "usage: $0 install|run|finish" >&2
    exit 2
    ;;
esac
