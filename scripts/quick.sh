#!/usr/bin/env bash
# The edit loop: lint, then the tests of the apps this work tree changed (against HEAD,
# untracked files included); baton/tests (the cross-app suites) when anything in baton/ did.
# Usage: scripts/quick.sh [pytest args…]   (make quick PYTEST_ARGS=…)
set -euo pipefail
cd "$(dirname "$0")/.."

changed=$( { git diff --name-only HEAD; git ls-files --others --exclude-standard; } | sort -u)
targets=()
for app in $(printf '%s\n' "$changed" | sed -n 's#^baton/\([a-z_]*\)/.*#\1#p' | sort -u); do
  if [ -d "baton/$app/tests" ] || [ "$app" = tests ]; then
    targets+=("baton/$app")
  fi
done
if printf '%s\n' "$changed" | grep -q '^baton/' && [[ ! " ${targets[*]-} " =~ " baton/tests " ]]; then
  targets+=(baton/tests)
fi
if printf '%s\n' "$changed" | grep -qE '^(config/|pyproject.toml|baton/[^/]+\.py$)'; then
  targets=(baton)   # settings, dependencies or shared modules: everything
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "没有改动的应用：只做了代码检查。"
  exit 0
fi
echo "== tests: ${targets[*]}"
exec .venv/bin/pytest -p no:cacheprovider -q -n 2 -m "not browser" "${targets[@]}" "$@"
