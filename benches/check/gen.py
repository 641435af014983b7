#!/usr/bin/env python3
"""Generate the check benchmark's world: hosts and a Markdown document of N URLs.

Usage: gen.py N OUT_DIR   writes OUT_DIR/hosts.tsv, OUT_DIR/doc-N.md (host names,
                          for citecheck with --resolve-file) and OUT_DIR/doc-N-ip.md
                          (the same URLs with each host's loopback address and the
                          placeholder port BENCHPORT, for clients without --resolve).

300 hosts: big0..big2 hold 40% of the URLs between them, h001..h291 share the
rest, and down1..down6 (also among the 60%) are "refused" hosts mapped to a
closed port. The fate of each URL is its last path segment (see
examples/bench_server.rs; it comes last so that sorting the URLs does not group
them by fate); the mix is fixed below. Names avoid example.com and
the .example/.test/.invalid/.localhost TLDs, which lychee skips silently.
The output is deterministic (a fixed seed per N).
"""
import os
import random
import sys

DOMAIN = "citecheck-bench.net"
# fate, share of the URLs on served hosts
FATES = [
    ("ok", 0.62),    # 200
    ("nf", 0.10),    # 404
    ("gone", 0.04),  # 410
    ("mv", 0.10),    # 301 -> 200
    ("err", 0.05),   # 500 forever
    ("rl", 0.05),    # 429 (Retry-After: 1), then 200
    ("hang", 0.02),  # never answers
]
BIG_SHARE = 0.40


def hosts():
    """(name, ip, refused) for the 300 hosts."""
    names = [f"big{i}" for i in range(3)]
    names += [f"h{i:03d}" for i in range(1, 292)]
    names += [f"down{i}" for i in range(1, 7)]
    out = []
    for i, n in enumerate(names):
        ip = f"127.1.{i // 250}.{i % 250 + 1}"
        out.append((f"{n}.{DOMAIN}", ip, n.startswith("down")))
    return out


def main():
    n, out_dir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    hs = hosts()
    with open(os.path.join(out_dir, "hosts.tsv"), "w") as f:
        for name, ip, refused in hs:
            f.write(f"{name}\t{ip}\t{int(refused)}\n")
    big, rest = hs[:3], hs[3:]
    rng = random.Random(1000 + n)
    kinds = [k for k, _ in FATES]
    weights = [w for _, w in FATES]
    lines = ["# Check benchmark", "", f"A document citing {n} sources.", ""]
    ip_lines = list(lines)
    for i in range(1, n + 1):
        name, ip, _ = rng.choice(big) if rng.random() < BIG_SHARE else rng.choice(rest)
        kind = rng.choices(kinds, weights)[0]
        path = f"/c{i}/{kind}"
        note = f'[^n{i}]: Author {i}, "Cited work {i}", 2019.'
        lines.append(f"{note} http://{name}{path}")
        ip_lines.append(f"{note} http://{ip}:BENCHPORT{path}")
    for suffix, body in (("", lines), ("-ip", ip_lines)):
        with open(os.path.join(out_dir, f"doc-{n}{suffix}.md"), "w") as f:
            f.write("\n".join(body) + "\n")


if __name__ == "__main__":
    main()
