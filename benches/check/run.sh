#!/usr/bin/env bash
# Check benchmark: citecheck check (and lychee when on PATH) against a local world of
# 300 virtual hosts with fixed per-host latencies (20-150 ms) and mixed fates, at
# 2,000 and 10,000 URLs (40% of them on 3 hosts), scored against the ideal schedule
# bound for the limits used (see analyze.py). Not part of CI.
#
# Needs python3 and curl; uses /usr/bin/time -v for peak RSS, hyperfine when installed.
# Environment: SIZES (default "2000 10000"), J (global limit, 128), K (per-host limit, 8),
# TIMEOUT (per-request timeout in seconds, 2: short so hangs do not dominate),
# RETRIES (2, citecheck's default), CITECHECK (another citecheck binary to measure),
# CARGO_TARGET_DIR.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/world.sh"

# The history store is not part of what is measured (the flag exists once it is merged).
no_cache=()
if "$bin" check --help | grep -q -- '--no-cache'; then no_cache=(--no-cache); fi

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo "limits: global $J, per host $K, interval 0; timeout ${TIMEOUT}s, retries $RETRIES"

# measure NAME N REPORT CMD...: one timed run, then the score.
measure() {
    local name="$1" n="$2" report="$3"; shift 3
    admin reset >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -v "$@" >/dev/null 2>"$out/$name.time" || true
    t1=$(date +%s.%N)
    admin dump >"$out/$name.log"
    local rss
    rss=$(awk '/Maximum resident/ { print $NF }' "$out/$name.time")
    local extra=()
    if [ -n "$report" ]; then extra=(--report "$report" --urls "$n"); fi
    python3 "$here/analyze.py" --name "$name" --log "$out/$name.log" --hosts "$out/hosts.tsv" \
        --timeout "$TIMEOUT" --global "$J" --per-host "$K" \
        --wall "$(echo "$t1 - $t0" | bc)" --rss "$rss" "${extra[@]}" || echo "  (classification check FAILED)"
}

for n in $SIZES; do
    cite=("$bin" check -f json -q --no-progress "${no_cache[@]}" \
        -j "$J" --host-concurrency "$K" --host-interval 0ms --no-probe \
        --timeout "${TIMEOUT}s" --max-retries "$RETRIES" \
        --resolve-file "$out/resolve.txt" --dns-canary big0.citecheck-bench.net \
        -o "$out/citecheck-$n.json" "$out/doc-$n.md")
    measure "citecheck-$n" "$n" "$out/citecheck-$n.json" "${cite[@]}"
    if command -v lychee >/dev/null 2>&1; then
        sed "s/:BENCHPORT\\//:$port\\//" "$out/doc-$n-ip.md" >"$out/doc-$n-lychee.md"
        lychee_cmd=(lychee --no-progress --format json -o "$out/lychee-$n.json" \
            --max-concurrency "$J" --host-concurrency "$K" --host-request-interval 0ms \
            --timeout "$TIMEOUT" --max-retries "$RETRIES" "$out/doc-$n-lychee.md")
        measure "lychee-$n" "$n" "" "${lychee_cmd[@]}"
    fi
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -i --runs 3 --prepare "curl -fsS -H 'Host: bench-admin' http://127.0.0.1:$port/reset" \
            --export-markdown "$out/hyperfine-$n.md" "${cite[*]}" || true
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
