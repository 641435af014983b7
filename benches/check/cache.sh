#!/usr/bin/env bash
# History-store benchmark (the CI case): the same corpus checked twice with one
# store, as a CI job does on two pushes with the store kept between them. The
# first run checks every URL; the second reuses every fresh result (and the
# recent "unreachable" ones) and should send no request at all. Prints both wall
# times, their ratio and the requests the world server saw in each run.
# Same world and limits as run.sh (see there for the environment variables);
# SIZES defaults to "10000" here. Not part of CI.
set -euo pipefail
SIZES="${SIZES:-10000}"
source "$(cd "$(dirname "$0")" && pwd)/world.sh"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for n in $SIZES; do
    store="$out/store-$n.sqlite3"
    rm -f "$store" "$store-wal" "$store-shm"
    cmd=("$bin" check -f json -q --no-progress --cache "$store" \
        -j "$J" --host-concurrency "$K" --host-interval 0ms --no-probe \
        --timeout "${TIMEOUT}s" --max-retries "$RETRIES" --archive off \
        --resolve-file "$out/resolve.txt" --dns-canary big0.citecheck-bench.net \
        "$out/doc-$n.md")
    declare -A wall requests
    for run in first second; do
        admin reset >/dev/null
        t0=$(date +%s.%N)
        "${cmd[@]}" >"$out/cache-$n-$run.json" || true
        t1=$(date +%s.%N)
        wall[$run]=$(echo "$t1 - $t0" | bc)
        requests[$run]=$(( $(admin dump | wc -l) - 1 ))  # minus the header line
    done
    if cmp -s "$out/cache-$n-first.json" "$out/cache-$n-second.json"; then same=yes; else same=no; fi
    printf '%s URLs: first run %.2f s (%s requests), second run %.2f s (%s requests): %.1fx faster; same report: %s\n' \
        "$n" "${wall[first]}" "${requests[first]}" "${wall[second]}" "${requests[second]}" \
        "$(echo "${wall[first]} / ${wall[second]}" | bc -l)" "$same"
done
