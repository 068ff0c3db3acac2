"""Benchmark our resource pages, their Turtle and the search page, against `oxigraph serve` DESCRIBE.

Run by hand, not part of the test suite:

    /tmp/cvenv/bin/python bench/pages.py [--duration 5] [--concurrency 1,4]

`hrckg serve` (default settings) and `oxigraph serve` (the same curated quads, union default graph)
are started here on free loopback ports. Each request of the list is sent over and over for
--duration seconds by 1, then 4, keep-alive clients (one process each); its median and p90
latency, requests per second and the server's CPU time per request are printed as a markdown
table. A resource's page and its Turtle are set against the peer's DESCRIBE of the same IRI,
measured right after them: that is the raw data behind the page from a generic triple store.
The cost of the first search of a worker (the search index is built lazily) is measured
separately, on fresh servers. See bench/README.md."""

import argparse
import http.client
import multiprocessing
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from endpoint import BIN, dump_curated, free_port, keep_alive_get, load_peer, machine, start, stop, wait_ready

TARGET_MS = 100  # median for a resource page (issue 4)
BASE = "https://w3id.org/hrckg"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
           "Accept-Language": "en-GB,en;q=0.9"}
TURTLE = {"Accept": "text/turtle"}
RESOURCES = {  # short name: path on our server (the IRI is BASE + path)
    "KHM (State)": "/id/country/KHM",
    "A/HRC/35/20 (whole report)": "/id/doc/A-HRC-35-20",
    "HRC 51 draft": "/id/doc/HRC-51-draft-technical-cooperation",
    "OHCHR (many incoming)": "/id/org/ohchr",
    "A/HRC/35/20 para 12": "/id/doc/A-HRC-35-20/para/12",
}
SEARCHES = ("柬埔寨", "cambodia", "technical")
FIRST_SEARCH = "cambodia"


@dataclass(frozen=True)
class Request:
    """One kind of request: which server, path and headers; peer names the request it is compared with."""

    name: str
    server: str  # "ours" or "oxigraph"
    path: str
    headers: dict
    kind: str  # "page" (held to TARGET_MS), "turtle", "describe", "search" or "home"
    peer: str | None = None


def describe_path(path: str) -> str:
    return "/query?" + urllib.parse.urlencode({"query": f"DESCRIBE <{BASE}{path}>"})


def requests() -> list[Request]:
    """Every request measured, in the order measured: each page next to its Turtle and the peer's DESCRIBE."""
    listed = []
    for name, path in RESOURCES.items():
        describe = f"{name}: oxigraph DESCRIBE"
        listed += [Request(f"{name}: page", "ours", path, BROWSER, "page", describe),
                   Request(f"{name}: Turtle", "ours", path, TURTLE, "turtle", describe),
                   Request(describe, "oxigraph", describe_path(path), TURTLE, "describe")]
    for text in SEARCHES:
        listed.append(Request(f"search {text}", "ours", "/search?" + urllib.parse.urlencode({"q": text}),
                              BROWSER, "search"))
    listed.append(Request("home page /", "ours", "/", BROWSER, "home"))
    return listed


def fetch(port: int, path: str, headers: dict, conn: http.client.HTTPConnection | None = None) -> tuple:
    """One GET: (status, content type, body), on conn if given (kept open) or on a fresh connection."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        if own:
            conn.close()


def check(req: Request, port: int) -> dict:
    """The request must answer 200 with the expected type; its size in KiB (and triples, for RDF)."""
    status, content_type, body = fetch(port, req.path, req.headers)
    wanted = "text/html" if req.headers is BROWSER else "text/turtle"
    if status != 200 or not content_type.startswith(wanted):
        raise SystemExit(f"{req.name}: HTTP {status} {content_type!r} from {req.path}\n{body[:300]!r}")
    size = {"kib": len(body) / 1024}
    if wanted == "text/turtle":
        size["triples"] = len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
        if not size["triples"]:
            raise SystemExit(f"{req.name}: no triples")
    return size


def client(args: tuple) -> list[tuple[float, int]]:
    """One client process on one keep-alive connection: the same request over and over; warm up
    until measure_at, then record (latency s, status) of every request started before end_at."""
    port, path, headers, measure_at, end_at = args
    conn, records = None, []
    while (now := time.monotonic()) < end_at:
        conn, status = keep_alive_get(conn, port, path, headers)
        if now >= measure_at:
            records.append((time.monotonic() - now, status))
    if conn is not None:
        conn.close()
    return records


def cpu_seconds(group: int) -> float:
    """User + system CPU time used so far by the live processes of a process group (a server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ...; utime, stime at 11, 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(port: int, group: int, req: Request, concurrency: int, warmup: float, duration: float) -> dict:
    """`concurrency` client processes (fresh connections) sending req: median, p90, rps, errors, and
    the server's CPU time per request over the measured window (which other load on the machine
    hardly changes, unlike the latencies)."""
    ignore_ctrl_c = (signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends the pool
    with multiprocessing.get_context("fork").Pool(concurrency, signal.signal, ignore_ctrl_c) as pool:
        measure_at = time.monotonic() + 0.5 + warmup  # 0.5 s for the pool's processes to start
        jobs = [(port, req.path, req.headers, measure_at, measure_at + duration)] * concurrency
        running = pool.map_async(client, jobs)
        time.sleep(max(0.0, measure_at - time.monotonic()))
        cpu_at_start = cpu_seconds(group)
        time.sleep(max(0.0, measure_at + duration - time.monotonic()))
        cpu = cpu_seconds(group) - cpu_at_start
        records = [record for records in running.get() for record in records]
    ok = sorted(latency * 1000 for latency, status in records if status == 200)
    return {"median_ms": statistics.median(ok) if ok else None,
            "p90_ms": ok[min(len(ok) - 1, int(0.9 * len(ok)))] if ok else None,
            "rps": len(ok) / duration, "errors": len(records) - len(ok),
            "cpu_ms": cpu * 1000 / len(records) if records else None}


def warm_every_worker(port: int, paths: list[tuple[str, dict]], connections: int = 16) -> None:
    """Send each request on many fresh connections at once, so that every gunicorn worker has built
    its search index and compiled its templates before anything is timed."""
    def one(path, headers):
        for _ in range(3):
            fetch(port, path, headers)

    for path, headers in paths:
        threads = [threading.Thread(target=one, args=(path, headers)) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def first_search(runs: int, tmp: Path) -> list[dict]:
    """On `runs` fresh servers, one connection: the home page (so the worker is up and base.html
    compiled), then the first search (builds the index), then 20 more of the same: ms of each."""
    path = "/search?" + urllib.parse.urlencode({"q": FIRST_SEARCH})
    found = []
    for run in range(runs):
        port = free_port()
        process = start([str(BIN / "hrckg"), "serve", "--port", str(port)], tmp / f"fresh-{run}.log")
        try:
            wait_ready("hrckg serve (fresh)", process, port, "/sparql", tmp / f"fresh-{run}.log")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            timings = []
            for target in ["/", path] + [path] * 20:
                began = time.perf_counter()
                status, _, _ = fetch(port, target, BROWSER, conn)
                timings.append((time.perf_counter() - began) * 1000)
                if status != 200:
                    raise SystemExit(f"fresh server: HTTP {status} for {target}")
            conn.close()
            found.append({"home_ms": timings[0], "first_ms": timings[1], "then_ms": statistics.median(timings[2:])})
        finally:
            stop(process)
    return found


def index_build_ms() -> float:
    """The index build alone, in this process (search.build over the curated store), median of 5."""
    from hrckg.search import build
    from hrckg.store import curated_store

    store, times = curated_store(), []
    for _ in range(5):
        began = time.perf_counter()
        build(store)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def start_servers(args, tmp: Path, processes: list) -> dict:
    """Both servers, answering, the peer loaded with our curated quads: {name: (port, process group)}."""
    ours_port, peer_port = free_port(), free_port()
    dump, location = tmp / "curated.nq", None if args.peer_store == "memory" else tmp / "oxigraph"
    print(f"dumping the curated store to {dump} ...", file=sys.stderr)
    dump_curated(dump)
    if location is not None:
        load_peer(dump, location, peer_port)
    peer = [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{peer_port}", "--union-default-graph"]
    peer += [] if location is None else ["--location", str(location)]
    commands = {"ours": ([str(BIN / "hrckg"), "serve", "--port", str(ours_port)], ours_port, "/sparql"),
                "oxigraph": (peer, peer_port, "/query")}
    print("starting both servers ...", file=sys.stderr)
    started = {}
    for name, (command, _, _) in commands.items():
        started[name] = start(command, tmp / f"{name}.log")
        processes.append(started[name])
    for name, (_, port, base) in commands.items():
        wait_ready(name, started[name], port, base, tmp / f"{name}.log")
    if location is None:
        load_peer(dump, None, peer_port)
    return {"ours": (ours_port, started["ours"].pid), "oxigraph": (peer_port, started["oxigraph"].pid)}


def fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(listed: list[Request], sizes: dict, results: dict) -> list[str]:
    """One markdown table: every request at every level, with its ratio to the peer's DESCRIBE."""
    lines = ["| clients | request | size | median ms | p90 ms | req/s | errors | server CPU ms/req "
             f"| ratio to oxigraph DESCRIBE (median) | page target (median < {TARGET_MS} ms) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for concurrency, measured in results.items():
        for req in listed:
            got, size = measured[req.name], sizes[req.name]
            size_s = f"{size['kib']:.0f} KiB" + (f", {size['triples']} triples" if "triples" in size else "")
            peer = measured.get(req.peer) if req.peer else None
            ratio = (got["median_ms"] / peer["median_ms"]) if peer and got["median_ms"] and peer["median_ms"] else None
            target = ""
            if req.kind == "page" and got["median_ms"] is not None:
                target = "ok" if got["median_ms"] < TARGET_MS else "**MISS**"
            ratio_s = "" if ratio is None else f"{ratio:.1f}x"
            lines.append(f"| {concurrency} | {req.name} | {size_s} | {fmt(got['median_ms'], 2)} "
                         f"| {fmt(got['p90_ms'], 2)} | {fmt(got['rps'])} | {got['errors']} | {fmt(got['cpu_ms'], 2)} "
                         f"| {ratio_s} | {target} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds measured per request and level")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of unrecorded requests before each")
    parser.add_argument("--concurrency", default="1,4", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--peer-store", choices=("memory", "disk"), default="memory",
                        help="oxigraph in memory (data POSTed to /store, like our in-memory store) "
                             "or on disk (oxigraph load, then serve --location)")
    parser.add_argument("--fresh-runs", type=int, default=3, help="fresh servers started to time the first search")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="hrckg-bench-pages-"))
    processes, load_before = [], os.getloadavg()[0]
    try:
        ports = start_servers(args, tmp, processes)
        listed = requests()
        sizes = {req.name: check(req, ports[req.server][0]) for req in listed}
        warm_every_worker(ports["ours"][0], [(r.path, r.headers) for r in listed if r.server == "ours"])
        results = {}
        for concurrency in levels:
            results[concurrency] = {}
            for req in listed:
                print(f"{req.name} with {concurrency} client(s) ...", file=sys.stderr)
                port, group = ports[req.server]
                results[concurrency][req.name] = measure(port, group, req, concurrency, args.warmup, args.duration)
        for process in processes:
            stop(process)
        processes.clear()
        print("first search on fresh servers ...", file=sys.stderr)
        fresh = first_search(args.fresh_runs, tmp)
        build_ms = index_build_ms()

        info = machine()
        lines = [f"Machine: {info['cpus']} CPUs, {info['memory_gib']} GiB, {info['platform']}, "
                 f"Python {info['python']}, pyoxigraph {info['pyoxigraph']}, {info['oxigraph_cli']}; "
                 f"load average (1 min) {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end",
                 "Ours: hrckg serve (defaults: 2 workers x 4 threads, store in memory); peer: oxigraph serve "
                 f"--union-default-graph (store {args.peer_store}), DESCRIBE <iri> as Turtle.",
                 f"{args.duration:g} s measured per request and level, each after {args.warmup:g} s of warm-up, "
                 "on fresh keep-alive connections.", ""]
        lines += table(listed, sizes, results)
        lines += ["", f"First search (q={FIRST_SEARCH}) on {len(fresh)} fresh servers, one connection, after one "
                  "request for / on it:", "",
                  "| run | / (first request) ms | first search ms | next 20 searches, median ms "
                  "| extra on the first search ms |",
                  "|---:|---:|---:|---:|---:|"]
        for run, got in enumerate(fresh, 1):
            lines.append(f"| {run} | {got['home_ms']:.1f} | {got['first_ms']:.1f} | {got['then_ms']:.1f} "
                         f"| {got['first_ms'] - got['then_ms']:.1f} |")
        lines += ["", f"search.build() alone, in process: {build_ms:.1f} ms (median of 5)."]
        print("\n".join(lines))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
