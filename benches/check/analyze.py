#!/usr/bin/env python3
"""Score one run of the check benchmark against the ideal schedule bound.

Usage: analyze.py --log LOG.tsv --hosts hosts.tsv --timeout SECS --global J
                  --per-host K --wall SECS [--rss KIB] [--report REPORT.json]
                  [--name NAME] [--urls N]

The bound is computed from the requests the client actually made (the server's
log), each costing its host's configured latency, a hang costing the client's
timeout:
    bound = max(total request time / J,
                max over hosts of the host's request time / K,
                the longest single URL (its requests, redirects and retries))
With --report (citecheck's JSON), every verdict is compared with the truth the
URL encodes; a mismatch is listed and makes the exit status 1.
"""
import argparse
import collections
import json
import sys
from urllib.parse import urlsplit

TRUTH = {
    "ok": "alive", "nf": "dead", "gone": "dead", "mv": "moved",
    "err": "unreachable", "rl": "alive", "hang": "unreachable",
}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--log", required=True)
    p.add_argument("--hosts", required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--global", dest="global_", type=int, required=True)
    p.add_argument("--per-host", type=int, required=True)
    p.add_argument("--wall", type=float, required=True)
    p.add_argument("--rss", type=int)
    p.add_argument("--report")
    p.add_argument("--name", default="run")
    p.add_argument("--urls", type=int)
    return p.parse_args()


def read_log(path):
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    out = []
    for start, end, host, method, rpath, status, lat in rows[1:]:
        out.append(dict(start=int(start) / 1e6, end=int(end) / 1e6, host=host,
                        method=method, path=rpath, status=int(status),
                        latency=int(lat) / 1000))
    return out


def kind_and_id(path):
    """(fate, id) of a path /ID/FATE."""
    parts = path.strip("/").rsplit("/", 1)
    return (parts[-1], parts[0] if len(parts) > 1 else "")


def cost(entry, timeout):
    kind, _ = kind_and_id(entry["path"])
    if kind == "hang":
        return timeout
    if entry["status"] == 0:  # abandoned by the client before the answer
        return entry["end"] - entry["start"]
    return entry["latency"]


def chain_key(entry):
    kind, ident = kind_and_id(entry["path"])
    if kind in TRUTH or kind == "moved":
        return (entry["host"], ident)
    return (entry["host"], entry["path"])


def max_overlap(intervals):
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    cur = best = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    return best


def bound(log, a):
    total = 0.0
    per_host = collections.Counter()
    per_chain = collections.Counter()
    waits = collections.Counter()
    for e in log:
        c = cost(e, a.timeout)
        total += c
        per_host[e["host"]] += c
        per_chain[chain_key(e)] += c
        if e["status"] == 429:
            waits[chain_key(e)] += 1.0  # the server's Retry-After
    g = total / a.global_
    host, hsum = per_host.most_common(1)[0] if per_host else ("-", 0.0)
    h = hsum / a.per_host
    key, longest = per_chain.most_common(1)[0] if per_chain else (("-", "-"), 0.0)
    with_waits = max((per_chain[k] + waits[k] for k in per_chain), default=0.0)
    return dict(total=total, global_term=g, host_term=h, host=host,
                longest=longest, longest_key=key, longest_with_waits=with_waits,
                bound=max(g, h, longest))


def read_hosts(path):
    refused, by_ip = set(), {}
    with open(path) as f:
        for line in f:
            name, ip, ref = line.rstrip("\n").split("\t")
            by_ip[ip] = name
            if ref == "1":
                refused.add(name)
    return refused, by_ip


def truth(url, refused, by_ip):
    parts = urlsplit(url)
    host = by_ip.get(parts.hostname, parts.hostname)
    if host in refused:
        return "unreachable"
    kind, _ = kind_and_id(parts.path)
    return TRUTH.get(kind, "?")


def compare(report_path, refused, by_ip):
    with open(report_path) as f:
        doc = json.load(f)
    wrong = []
    for c in doc["citations"]:
        want = truth(c["url"], refused, by_ip)
        if c["verdict"] != want:
            wrong.append((c["url"], want, c["verdict"], c.get("reason", "")))
    return len(doc["citations"]), wrong


def main():
    a = parse_args()
    log = read_log(a.log)
    b = bound(log, a)
    status = collections.Counter(e["status"] for e in log)
    hosts = collections.defaultdict(list)
    for e in log:
        hosts[e["host"]].append((e["start"], e["end"]))
    host_peak = max((max_overlap(iv) for iv in hosts.values()), default=0)
    global_peak = max_overlap([(e["start"], e["end"]) for e in log])
    ratio = a.wall / b["bound"] if b["bound"] else float("nan")
    print(f"== {a.name}")
    print(f"requests {len(log)}  by status {dict(sorted(status.items()))} (0 = hang)")
    print(f"peak in flight: {global_peak} overall (limit {a.global_}), "
          f"{host_peak} on one host (limit {a.per_host})")
    print(f"bound terms: total {b['total']:.1f}s / {a.global_} = {b['global_term']:.2f}s; "
          f"busiest host {b['host']} {b['host_term'] * a.per_host:.1f}s / {a.per_host} = "
          f"{b['host_term']:.2f}s; longest URL {b['longest']:.2f}s {b['longest_key']} "
          f"({b['longest_with_waits']:.2f}s with Retry-After waits)")
    rss = f"{a.rss / 1024:.1f} MiB" if a.rss else "n/a"
    print(f"wall {a.wall:.2f}s  bound {b['bound']:.2f}s  ratio {ratio:.2f}x  peak RSS {rss}")
    ok = True
    if a.report:
        refused, by_ip = read_hosts(a.hosts)
        n, wrong = compare(a.report, refused, by_ip)
        print(f"classification: {n - len(wrong)}/{n} match the truth")
        for url, want, got, why in wrong[:10]:
            print(f"  MISMATCH {url}: expected {want}, got {got} ({why})")
        ok = not wrong and (a.urls is None or n == a.urls)
    print(f"RESULT\t{a.name}\t{a.wall:.2f}\t{b['bound']:.2f}\t{ratio:.2f}\t{rss}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
