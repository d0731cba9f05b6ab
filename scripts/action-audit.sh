#!/usr/bin/env bash
# The GitHub Action's audit step (action.yml), and what test/report/action.test.ts runs: audits each target (npm
# specs pinned to a version, tarballs or folders, one per line or separated by spaces) into one SARIF file per
# target in OUT_DIR, and exits with the worst exit code (0 pass, 1 findings at or above FAIL_ON, 2 error).
#   TARGETS   the targets, e.g. "@scope/cli@1.2.3 other-tool@4.5.6"
#   OUT_DIR   where the SARIF files go (default telltale-sarif)
#   FAIL_ON   critical|high|medium|low|info (default high)
#   CONFIG    a policy file (optional; default telltale.config.json in the working directory, if any)
#   TELLTALE  the command (default: the telltale of this checkout)
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
telltale="${TELLTALE:-node $here/dist/src/bin/telltale.js}"
out="${OUT_DIR:-telltale-sarif}"
fail_on="${FAIL_ON:-high}"
mkdir -p "$out"
worst=0
n=0
for target in ${TARGETS:-}; do
  n=$((n + 1))
  safe="$(printf '%s' "$target" | tr -c 'A-Za-z0-9._-' '_')"
  args=(audit "$target" --format sarif --fail-on "$fail_on" --quiet)
  if [ -n "${CONFIG:-}" ]; then args+=(--config "$CONFIG"); fi
  $telltale "${args[@]}" > "$out/$n-$safe.sarif"
  code=$?
  echo "telltale audit $target: exit $code"
  if [ "$code" -eq 2 ]; then rm -f "$out/$n-$safe.sarif"; fi
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
done
if [ "$n" -eq 0 ]; then
  echo "telltale: no targets given (set the 'targets' input)" >&2
  exit 2
fi
exit "$worst"
