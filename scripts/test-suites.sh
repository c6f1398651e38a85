#!/usr/bin/env bash
# `make test`: each suite in turn, then how long each took (training apart: it is not a test).
# Stops at the first suite that fails, after printing the times so far. The times also go to
# var/test-durations.json, which `make bench` reports (docs/benchmarks.md, "Speed").
set -uo pipefail
cd "$(dirname "$0")/.."

names=()
seconds=()
status=0
report() {
  echo
  echo "Durations (make test):"
  local total=0 json="" i
  for i in "${!names[@]}"; do
    printf '  %-16s %6s s\n' "${names[$i]}" "${seconds[$i]}"
    [[ "${names[$i]}" == train* ]] || total=$((total + seconds[i]))
    json+="${json:+, }\"${names[$i]}\": ${seconds[$i]}"
  done
  printf '  %-16s %6s s  (training not included)\n' "tests in all" "$total"
  if [[ $status -eq 0 && ${#names[@]} -gt 0 ]]; then
    mkdir -p var
    printf '{"measured": "%s", "where": "%s, %s cores", "suites": {%s}}\n' \
      "$(date -u +%Y-%m-%dT%H:%MZ)" "$(hostname)" "$(nproc)" "$json" > var/test-durations.json
  fi
}
trap report EXIT

for target in "$@"; do
  started=$(date +%s)
  make --no-print-directory "$target" || status=$?
  names+=("$([[ $target == train ]] && echo "train (apart)" || echo "$target")")
  seconds+=($(( $(date +%s) - started )))
  if [[ $status -ne 0 ]]; then
    echo "make test: $target failed" >&2
    exit "$status"
  fi
done
