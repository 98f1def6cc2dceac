#!/usr/bin/env bash
# The project's entry points. Each one creates ./.venv (Python 3.10+) and installs the project
# into it when that is missing or pyproject.toml changed since the last install.
#
#   bash dev.sh demo    grade the reference solutions and the bundled, partly wrong example
#   bash dev.sh test    run the project's test suite (CI runs lint, then test)
#   bash dev.sh lint    run the linter (ruff, configured in pyproject.toml)
#   bash dev.sh bench   run the benchmarks (ratios against GEMM / PyTorch, measured in one run)
#   bash dev.sh stubs   regenerate assignments/ from solutions/
set -euo pipefail
cd "$(dirname "$0")"

venv=${VENV:-.venv}

pick_python() {
    for candidate in "${PYTHON:-}" python3.11 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "dev.sh: needs Python 3.10 or newer (3.11 recommended); set PYTHON=/path/to/python" >&2
    exit 2
}

ensure_venv() {
    if [ ! -x "$venv/bin/python" ]; then
        echo "dev.sh: creating $venv" >&2
        "$(pick_python)" -m venv "$venv"
    fi
    local stamp
    stamp="$venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "dev.sh: installing the project and its dependencies into $venv (about a minute)" >&2
        if ! "$venv/bin/python" -m pip install -e ".[dev]" >"$venv/pip.log" 2>&1; then
            tail -n 30 "$venv/pip.log" >&2
            echo "dev.sh: pip install failed; full log in $venv/pip.log" >&2
            exit 2
        fi
        rm -f "$venv"/.installed-*
        touch "$stamp"
    fi
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    demo)  ensure_venv; exec "$venv/bin/python" -m autograder demo "$@" ;;
    test)  ensure_venv; exec "$venv/bin/python" -m pytest "$@" ;;
    lint)  ensure_venv; exec "$venv/bin/ruff" check "$@" . ;;
    bench) ensure_venv; exec "$venv/bin/python" benchmarks/run.py "$@" ;;
    stubs) ensure_venv; exec "$venv/bin/python" -m autograder stubs "$@" ;;
    *)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2 ;;
esac
