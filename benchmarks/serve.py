"""What `searchkit serve` adds to a search: the same faceted queries through the Python API and through HTTP, side
by side in one run, and many concurrent clients on loopback.

    python benchmarks/reuters.py --copies 1        # the corpus, once
    python benchmarks/serve.py                     # indexes it the first time (~1 min), then measures (~3 min)

The server runs in its own process (as `searchkit serve` would), the API and the HTTP clients in this one. Queries:
the perf benchmark's list (queries.py), 50 whole titles with OR and 50 pairs of title words with AND, each counting
the outlet, actor and year facets over all matches, top 10 with snippets. The two paths alternate query by query
(which goes first alternates too) after one warm-up pass of both; the overhead is HTTP minus API for each query.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from machine import describe
from queries import FACETS, LIMIT, make_queries
from reuters import WORK

from searchkit import Index

SERVER = """
import sys
from searchkit.web import make_server
server = make_server(sys.argv[1], port=0, readers=int(sys.argv[2]), quiet=True)
print(server.url, flush=True)
server.serve_forever()
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def search_url(base: str, query) -> str:
    params = [("q", query.text), ("match", query.match), ("limit", LIMIT), *(("facet", f) for f in FACETS)]
    return f"{base}api/search?{urllib.parse.urlencode(params)}"


def fetch(url: str) -> dict:
    """One request on a new connection (as curl does)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


class KeptAlive:
    """Requests on one kept-alive connection (as a browser sends them)."""

    def __init__(self, base: str):
        self.base = base
        address = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)

    def __call__(self, url: str) -> dict:
        self.connection.request("GET", url[len(self.base) - 1:])
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
        return json.loads(data)


def start_server(index: Path, readers: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(index), str(readers)], stdout=subprocess.PIPE,
                               text=True)
    return process, process.stdout.readline().strip()


def overhead(ix: Index, base: str, queries, fetch=fetch) -> dict:
    """Per query: API ms, HTTP ms (request, server, JSON both ways), in alternating order; and the server's share:
    HTTP ms minus the search's own took_ms as the server measured it (what HTTP and JSON cost, without the
    difference between two processes' searches)."""
    api_ms, http_ms, transport_ms = [], [], []
    for query in queries:  # warm-up: every segment, cache and code path touched on both sides
        ix.search(query.text, match=query.match, facets=FACETS, limit=LIMIT)
        fetch(search_url(base, query))
    for i, query in enumerate(queries):
        timings = {}
        order = ("api", "http") if i % 2 == 0 else ("http", "api")
        for side in order:
            started = time.perf_counter()
            if side == "api":
                results = ix.search(query.text, match=query.match, facets=FACETS, limit=LIMIT)
                total, took = results.total, results.took_ms
            else:
                answer = fetch(search_url(base, query))
                total, took = answer["total"], answer["took_ms"]
            timings[side] = (time.perf_counter() - started) * 1000
            timings[side + "_total"] = total
            timings[side + "_took"] = took
        assert timings["api_total"] == timings["http_total"], query
        api_ms.append(timings["api"])
        http_ms.append(timings["http"])
        transport_ms.append(timings["http"] - timings["http_took"])
    extra = [h - a for h, a in zip(http_ms, api_ms)]
    return {"api": api_ms, "http": http_ms, "extra": extra, "transport": transport_ms}


def concurrent(base: str, queries, clients: int, each: int) -> dict:
    """`clients` threads, each sending `each` queries back to back on its own kept-alive connection; latencies,
    errors and the wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        send = KeptAlive(base)
        for i in range(each):
            query = queries[(n * each + i) % len(queries)]
            started = time.perf_counter()
            try:
                send(search_url(base, query))
            except Exception as exc:  # any failure counts, whatever it is
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall": wall, "requests": clients * each}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=WORK / "reuters-x1")
    parser.add_argument("--index", type=Path, default=WORK / "serve-ix-x1")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--each", type=int, default=25, help="queries each concurrent client sends")
    parser.add_argument("--readers", type=int, nargs="+", default=[1, 2],
                        help="Index objects the server lends to requests (1: requests take turns)")
    args = parser.parse_args()
    if not args.index.exists():
        print(f"indexing {args.corpus} into {args.index} ...", file=sys.stderr, flush=True)
        with Index(args.index) as ix:
            ix.add([args.corpus])
    queries = make_queries(args.corpus, free_text=50, two_term=50)
    with Index(args.index, create=False) as ix:
        stats = ix.stats()
        print(describe())
        print(f"Reuters-21578 x1 index: {stats.articles:,} articles, {stats.passages:,} passages; "
              f"{len(queries)} queries (50 OR, 50 AND), facets {', '.join(FACETS)}, top {LIMIT}\n")
        for readers in args.readers:
            process, base = start_server(args.index, readers)
            try:
                single = {"kept-alive connection": overhead(ix, base, queries, KeptAlive(base)),
                          "new connection each": overhead(ix, base, queries)}
                report(readers, single, concurrent(base, queries, args.clients, args.each), args.clients)
            finally:
                process.terminate()
                process.wait(10)


def report(readers: int, single: dict, many: dict, clients: int) -> None:
    print(f"server with {readers} reader(s): one client, query by query")
    print("| HTTP connection | path | p50 ms | p95 ms | mean ms |\n| --- | --- | ---: | ---: | ---: |")
    for connection, figures in single.items():
        for name, label in (("api", "Index.search"), ("http", "GET /api/search"), ("extra", "HTTP minus API, per query"),
                            ("transport", "HTTP minus the server's took_ms, per query")):
            values = figures[name]
            print(f"| {connection} | {label} | {percentile(values, .5):.1f} | {percentile(values, .95):.1f} | "
                  f"{statistics.mean(values):.1f} |")
    lat = many["latencies"]
    print(f"\n{clients} concurrent clients: {many['requests']} requests, {len(many['errors'])} errors, "
          f"{many['requests'] / many['wall']:.1f} requests/s, latency p50 {percentile(lat, .5):.0f} ms, "
          f"p95 {percentile(lat, .95):.0f} ms, max {max(lat):.0f} ms")
    for error in sorted(set(many["errors"]))[:5]:
        print(f"  error: {error}")
    print()


if __name__ == "__main__":
    main()
