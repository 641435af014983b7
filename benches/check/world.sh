# Shared set-up of the check benchmarks (sourced by run.sh and cache.sh): builds
# citecheck and the world server, generates the corpora for $SIZES, starts the
# server (killed on exit) and writes the --resolve-file mapping. Sets: here, root,
# out, bin, port, closed, admin().
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/check"
mkdir -p "$out"
SIZES="${SIZES:-2000 10000}"
J="${J:-128}"
K="${K:-8}"
TIMEOUT="${TIMEOUT:-2}"
RETRIES="${RETRIES:-2}"
target="${CARGO_TARGET_DIR:-$root/target}"

cargo build --release --manifest-path "$root/Cargo.toml" --bin citecheck --example bench_server >&2
bin="${CITECHECK:-$target/release/citecheck}"
server_bin="$target/release/examples/bench_server"

for n in $SIZES; do python3 "$here/gen.py" "$n" "$out"; done

rm -f "$out/ports"
"$server_bin" --port-file "$out/ports" --hosts "$out/hosts.tsv" --ip &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/ports" ] && break; sleep 0.1; done
read -r port closed <"$out/ports"
admin() { curl -fsS -H 'Host: bench-admin' "http://127.0.0.1:$port/$1"; }
awk -F'\t' -v p="$port" -v c="$closed" \
    '{ print $1 ":" ($3 == "1" ? c : p) ":127.0.0.1" }' "$out/hosts.tsv" >"$out/resolve.txt"

