#!/usr/bin/env bash
# The GitHub Action's audit step (action.yml), and what test/report/action.test.ts and test/project/project-audit.test.ts
# run: audits each target (npm specs pinned to a version, tarballs or folders) and each project (a folder with a
# lockfile: every package it resolves), one per line or separated by spaces, into one SARIF file each in OUT_DIR,
# and exits with the worst exit code (0 pass, 1 findings at or above FAIL_ON, 2 error). Run it from the repository
# root: a project's SARIF paths are relative to the folder it runs in.
#   TARGETS   the targets, e.g. "@scope/cli@1.2.3 other-tool@4.5.6"
#   PROJECTS  folders with a lockfile, e.g. ". tools/web"
#   PROD      true: a project's development dependencies are left out
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
# audit <kind> <target> [extra args]: one SARIF file, its exit code folded into the worst.
audit() {
  local kind="$1" target="$2"
  shift 2
  n=$((n + 1))
  local safe file code
  safe="$(printf '%s' "$target" | tr -c 'A-Za-z0-9._-' '_')"
  file="$out/$n-$kind-$safe.sarif"
  local args=(audit "$target" --format sarif --fail-on "$fail_on" --quiet "$@")
  if [ -n "${CONFIG:-}" ]; then args+=(--config "$CONFIG"); fi
  $telltale "${args[@]}" > "$file"
  code=$?
  echo "telltale audit $target ($kind): exit $code"
  # Exit 2 is an error: whatever was written is not a report and must not be uploaded.
  if [ "$code" -eq 2 ]; then rm -f "$file"; fi
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
}
for target in ${TARGETS:-}; do
  audit package "$target"
done
prod=()
if [ "${PROD:-false}" = "true" ]; then prod=(--prod); fi
for project in ${PROJECTS:-}; do
  lockfile=""
  for name in npm-shrinkwrap.json package-lock.json pnpm-lock.yaml yarn.lock bun.lock; do
    if [ -f "$project/$name" ]; then lockfile="$name"; break; fi
  done
  if [ -z "$lockfile" ]; then
    # Without a lockfile the folder would be audited as one package: not what a project input asks for.
    echo "telltale: project $project has no lockfile (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock or bun.lock)" >&2
    n=$((n + 1))
    worst=2
    continue
  fi
  audit project "$project" "${prod[@]}"
done
if [ "$n" -eq 0 ]; then
  echo "telltale: nothing to audit (set the 'targets' or 'projects' input)" >&2
  exit 2
fi
exit "$worst"
