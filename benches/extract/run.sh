#!/usr/bin/env bash
# Extraction benchmark: citecheck extract vs lychee --dump on ~20 MB of Markdown
# with 200k footnote definitions, in two layouts, plus a doubled input to show
# linear scaling. Needs python3; uses hyperfine and /usr/bin/time -v when
# installed, and lychee when on PATH (`cargo install lychee --locked`).
# Not part of CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/extract"
mkdir -p "$out"
N="${N:-200000}"

cargo build --release --manifest-path "$root/Cargo.toml" >&2
bin="$root/target/release/citecheck"

for layout in spaced packed; do
    python3 "$here/gen.py" "$N" "$layout" "$out/$layout.md"
    python3 "$here/gen.py" "$((N * 2))" "$layout" "$out/$layout-2x.md"
done
ls -l "$out"/*.md >&2

measure() { # name, command...
    local name="$1"; shift
    local t0 t1
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$@" >/dev/null 2>"$out/$name.time" || true
        local wall rss
        wall=$(grep 'Elapsed (wall clock)' "$out/$name.time" | awk '{print $NF}')
        rss=$(grep 'Maximum resident' "$out/$name.time" | awk '{print $NF}')
        printf '%-28s wall %-10s peak RSS %s KiB\n' "$name" "$wall" "$rss"
    else
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        printf '%-28s wall %.3fs\n' "$name" "$(echo "$t1 - $t0" | bc)"
    fi
}

for layout in spaced packed; do
    measure "citecheck $layout" "$bin" extract --format json "$out/$layout.md"
    measure "citecheck $layout 2x" "$bin" extract --format json "$out/$layout-2x.md"
    if command -v lychee >/dev/null 2>&1; then
        measure "lychee $layout" lychee --dump "$out/$layout.md"
    fi
done

if command -v hyperfine >/dev/null 2>&1; then
    # lychee's packed layout is quadratic (minutes): only its spaced runs are repeated.
    lychee_runs=()
    if command -v lychee >/dev/null 2>&1; then
        lychee_runs=("lychee --dump $out/spaced.md" "lychee --dump $out/spaced-2x.md")
    fi
    hyperfine -N --warmup 2 --runs "${RUNS:-15}" --export-markdown "$out/hyperfine.md" \
        "$bin extract --format json $out/spaced.md" \
        "$bin extract --format json $out/packed.md" \
        "$bin extract --format json $out/spaced-2x.md" \
        "$bin extract --format json $out/packed-2x.md" \
        "${lychee_runs[@]}"
fi
