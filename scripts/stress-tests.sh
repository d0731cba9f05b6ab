#!/usr/bin/env bash
# Runs the test files that involve time limits, sandboxes or worker processes N times in a row while a CPU-bound
# busy loop competes with them for the CPU, and logs pass/fail per run. A test that fails here depends on machine speed.
#
#   bash scripts/stress-tests.sh [N=20] [test file ...]     (after `npx tsc -p tsconfig.json`)
#   STRESS_BUSY=K    busy loops to start (default 1)
#   STRESS_NICE=K    nice level of the test runs and of the busy loops (default 10). Under the kernel's autogroup
#                    scheduling (the default on desktop and many server kernels) nice only orders the processes of one
#                    session: a busy loop at a lower nice than the tests would take nearly all of this session's share
#                    and starve the tests rather than compete with them, and other sessions are not slowed by either.
#   STRESS_LOG=dir   where the per-run output goes (default bench/results/stress-<date>)
#
# Exit 0 when every run passed, 1 otherwise. The summary line is "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-20}"
shift || true
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  # Every test file that runs a time limit, a sandbox, a worker (thread, process or pool) or a child process with a
  # hang guard. test/stress-coverage.test.ts fails when a test file with one of those is neither here nor exempted.
  files=(
    dist/test/analyze/deobfuscate/control-flow.test.js
    dist/test/analyze/deobfuscate/string-array.test.js
    dist/test/audit/decoder-budget.test.js
    dist/test/audit/egress.test.js
    dist/test/audit/thread-cpu.test.js
    dist/test/cli/audit-limits.test.js
    dist/test/cli/cli-basics.test.js
    dist/test/cli/completeness.test.js
    dist/test/cli/hostile.test.js
    dist/test/decode/decode.test.js
    dist/test/decode/sandbox.test.js
    dist/test/executables/bun-compile.test.js
    dist/test/executables/node-sea.test.js
    dist/test/fuzz/fuzz.test.js
    dist/test/history/history-cli.test.js
    dist/test/jobs/pool.test.js
    dist/test/jobs/queue.test.js
    dist/test/jobs/service.test.js
    dist/test/mechanisms/hidden-encodings.test.js
    dist/test/mechanisms/sandbox-decoding.test.js
    dist/test/probe/report.test.js
    dist/test/probe/sandbox.test.js
    dist/test/project/lockfile-formats.test.js
    dist/test/project/lockfile.test.js
    dist/test/project/project-audit.test.js
    dist/test/project/project-policy.test.js
    dist/test/report/action.test.js
    dist/test/report/html.test.js
    dist/test/report/policy.test.js
    dist/test/report/sarif.test.js
  )
fi
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no such test file: $f (build first: npx tsc -p tsconfig.json)" >&2; exit 2; }
done

log="${STRESS_LOG:-bench/results/stress-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$log"
busy=()
stop_busy() { for p in "${busy[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop_busy EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 "${STRESS_BUSY:-1}"); do
  nice -n "${STRESS_NICE:-10}" node -e 'for(;;){}' &
  busy+=("$!")
done

echo "stress: ${runs} runs of ${#files[@]} files, ${#busy[@]} busy loop(s), tests at nice ${STRESS_NICE:-10}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); log in ${log}" | tee "$log/summary.txt"
pass=0
fail=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  nice -n "${STRESS_NICE:-10}" node --test --test-concurrency=2 "${files[@]}" >"$log/run-$i.txt" 2>&1
  code=$?
  secs=$(($(date +%s) - start))
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$code" = 0 ]; then
    pass=$((pass + 1))
    echo "run $i: pass (${secs} s, load ${load})" | tee -a "$log/summary.txt"
  else
    fail=$((fail + 1))
    # The names of the failing tests, from the runner's own summary.
    failed=$(grep -E '^\s*not ok ' "$log/run-$i.txt" | sed 's/^ *//' | tr '\n' ';')
    [ -n "$failed" ] || failed="no test reported failing; last line: $(tail -n 1 "$log/run-$i.txt")"
    echo "run $i: FAIL exit ${code} (${secs} s, load ${load}): ${failed}" | tee -a "$log/summary.txt"
  fi
done
echo "${pass} passed, ${fail} failed" | tee -a "$log/summary.txt"
[ "$fail" = 0 ]
