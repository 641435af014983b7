#!/usr/bin/env python3
"""Generate the extraction benchmark corpus: N Markdown footnote definitions.

Usage: gen.py N LAYOUT OUT   (LAYOUT: packed = one definition per line, back to back;
                                      spaced = a blank line after each definition)
Host names avoid example.com and the .example/.test/.invalid/.localhost TLDs, which
lychee skips silently.
"""
import sys

n, layout, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sep = "\n" if layout == "packed" else "\n\n"
with open(out, "w", encoding="utf-8") as f:
    f.write("# Benchmark corpus\n\nBody text citing notes[^n1] and[^n2].\n\n")
    for i in range(1, n + 1):
        host = f"host{i % 5000}.citecheck-bench.org"
        f.write(
            f"[^n{i}]: A. Author, \"Title {i}\", 5 May 2019. https://{host}/a/{i}.html{sep}"
        )
