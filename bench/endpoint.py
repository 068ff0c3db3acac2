"""Benchmark our SPARQL endpoint (`hrckg serve`) against `oxigraph serve` on the same data and queries.

Run by hand, not part of the test suite:

    /tmp/cvenv/bin/python bench/endpoint.py [--duration 10] [--rounds 3] [--json results.json]

Both servers are started here on free loopback ports, checked to give the same number of result
rows for every query of the mix, then measured one after the other at each concurrency level with
the same keep-alive HTTP client (one client process per concurrent client). See bench/README.md."""

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"
TARGET_LATENCY, TARGET_THROUGHPUT = 1.5, 0.6  # ours/oxigraph: median latency at most, rps at least

PREFIXES = """PREFIX hrc: <https://w3id.org/hrckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""

QUERIES = {
    "point lookup": """SELECT ?p ?o WHERE { <https://w3id.org/hrckg/id/country/KHM> ?p ?o }""",
    "draft sponsors": """SELECT ?position ?state ?iso3 ?label ?labelZh ?councilMember WHERE {
  <https://w3id.org/hrckg/id/doc/HRC-51-draft-technical-cooperation> hrc:sponsorship ?sponsorship .
  ?sponsorship hrc:sponsor ?state ; hrc:position ?position ; hrc:councilMember ?councilMember .
  ?state hrc:isoAlpha3 ?iso3 ; rdfs:label ?label , ?labelZh .
  FILTER (lang(?label) = "en") FILTER (lang(?labelZh) = "zh")
} ORDER BY ?position""",
    "mentions per State": """SELECT ?state ?label (COUNT(DISTINCT ?part) AS ?parts) WHERE {
  ?part hrc:mentions ?state .
  ?state a hrc:State ; rdfs:label ?label .
  FILTER (lang(?label) = "en")
} GROUP BY ?state ?label ORDER BY DESC(?parts) ?label""",
    "citation 2-hop": """SELECT ?source ?citingPart ?cited ?symbol ?title WHERE {
  ?source hrc:hasPart ?citingPart .
  ?citingPart hrc:citation ?citation .
  ?citation hrc:citedDocument ?cited .
  OPTIONAL { ?cited hrc:symbol ?symbol }
  OPTIONAL { ?cited dcterms:title ?title }
} ORDER BY ?source ?citingPart ?cited ?title""",
    "label search": """SELECT ?resource ?property ?name WHERE {
  VALUES ?property { rdfs:label skos:prefLabel }
  ?resource ?property ?name .
  FILTER (CONTAINS(LCASE(STR(?name)), "fund"))
} ORDER BY ?resource ?property ?name""",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_path(base: str, query: str) -> str:
    """The request target of a GET for query on the endpoint at path base."""
    return base + "?" + urllib.parse.urlencode({"query": PREFIXES + query})


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """One GET on a fresh connection: (status, body); status 0 if the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": ACCEPT})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def start(command: list[str], log: Path) -> subprocess.Popen:
    """Start a server in its own process group (so Ctrl-C reaches only us; stop() ends it)."""
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(name: str, process: subprocess.Popen, port: int, base: str, log: Path, ready_s: float = 120) -> None:
    """Wait until ASK {} answers 200 on the server; abort if it exits or takes too long."""
    deadline = time.monotonic() + ready_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode}; see {log}")
        if get(port, base + "?query=ASK%7B%7D", timeout=2)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"{name} did not answer ASK {{}} within {ready_s:g} s; see {log}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by start() and every process of its group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def dump_curated(path: Path) -> None:
    """Write our curated store (every named graph) to path as N-Quads."""
    import pyoxigraph
    from hrckg.store import curated_store

    curated_store().dump(str(path), format=pyoxigraph.RdfFormat.N_QUADS)


def load_peer(dump: Path, location: Path | None, port: int) -> None:
    """Give oxigraph the dump: `oxigraph load` into location (before serving), or, for an
    in-memory peer (location None, already serving on port), POST it to /store."""
    if location is not None:
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/store", body=dump.read_bytes(), headers={"Content-Type": "application/n-quads"})
    response = conn.getresponse()
    if response.status not in (200, 201, 204):
        raise SystemExit(f"oxigraph refused the dump: HTTP {response.status} {response.read()[:300]!r}")
    conn.close()


def row_count(port: int, base: str, query: str) -> int:
    """The number of solutions the server gives for query (aborts on an HTTP error)."""
    status, body = get(port, query_path(base, query))
    if status != 200:
        raise SystemExit(f"port {port}: HTTP {status} for query:\n{query}\n{body[:500]!r}")
    return len(json.loads(body)["results"]["bindings"])


def keep_alive_get(conn, port: int, path: str, headers: dict):
    """One GET on a keep-alive connection (opened when None): (connection to reuse or None, status; 0 on failure)."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.will_close:
            conn.close()
            conn = None
        return conn, response.status
    except (OSError, http.client.HTTPException):
        conn.close()
        return None, 0


def client(args: tuple) -> list[tuple[int, float, int]]:
    """One client process on one keep-alive connection: the mix over and over, each pass in an order
    shuffled with the client's own seed (the same for both servers); warm up until measure_at, then
    record (query index, latency s, status) of every request started before end_at."""
    port, paths, seed, measure_at, end_at = args
    rng, order, conn, records = random.Random(seed), [], None, []
    while (now := time.monotonic()) < end_at:
        if not order:
            order = list(range(len(paths)))
            rng.shuffle(order)
        index = order.pop()
        conn, status = keep_alive_get(conn, port, paths[index], {"Accept": ACCEPT})
        if now >= measure_at:
            records.append((index, time.monotonic() - now, status))
    if conn is not None:
        conn.close()
    return records


def measure(port: int, base: str, concurrency: int, warmup: float, duration: float, seed: int) -> list:
    """Run `concurrency` client processes (fresh connections) against one server; all their records."""
    paths = [query_path(base, query) for query in QUERIES.values()]
    ignore_ctrl_c = (signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends the pool
    with multiprocessing.get_context("fork").Pool(concurrency, signal.signal, ignore_ctrl_c) as pool:
        measure_at = time.monotonic() + 0.5 + warmup  # 0.5 s for the pool's processes to start
        jobs = [(port, paths, seed * 1000 + n, measure_at, measure_at + duration) for n in range(concurrency)]
        return [record for records in pool.map(client, jobs) for record in records]


def summarize(records: list, duration: float) -> dict:
    """Per query and overall: requests, errors, median and p95 latency (ms) of successes, rps."""
    summary = {}
    for index, name in [(None, "overall")] + list(enumerate(QUERIES)):
        mine = [r for r in records if index is None or r[0] == index]
        ok = sorted(r[1] * 1000 for r in mine if r[2] == 200)
        summary[name] = {
            "requests": len(mine),
            "errors": len(mine) - len(ok),
            "median_ms": statistics.median(ok) if ok else None,
            "p95_ms": ok[min(len(ok) - 1, int(0.95 * len(ok)))] if ok else None,
            "rps": len(ok) / duration,
        }
    return summary


def ratio(a, b):
    """a / b, or None when either is missing or b is 0."""
    return a / b if a is not None and b else None


def machine() -> dict:
    """What the figures were measured on."""
    import pyoxigraph

    with open("/proc/meminfo") as meminfo:
        mem_kb = int(meminfo.readline().split()[1])
    version = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1), "platform": platform.platform(),
            "machine": platform.machine(), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "oxigraph_cli": version}


def report(results: dict, info: dict, args) -> str:
    """The results as a markdown table, with the ratios next to their targets."""
    lines = [f"Machine: {info['cpus']} CPUs, {info['memory_gib']} GiB, {info['platform']}, "
             f"Python {info['python']}, pyoxigraph {info['pyoxigraph']}, {info['oxigraph_cli']}",
             f"Ours: hrckg serve --workers {args.workers} --threads {args.threads} (store {args.ours_store}); "
             f"peer: oxigraph serve --union-default-graph (store {args.peer_store}).",
             f"{args.duration:g} s measured per server and level, in {args.rounds} alternating runs "
             f"of {args.duration / args.rounds:g} s, each after {args.warmup:g} s of warm-up.", "",
             "| clients | query | ours median ms | ours p95 ms | ours rps | ours err | oxigraph median ms "
             "| oxigraph p95 ms | oxigraph rps | oxigraph err | latency ratio (target <= "
             f"{TARGET_LATENCY}x) | throughput ratio (target >= {TARGET_THROUGHPUT}x) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    fmt = lambda value: "-" if value is None else f"{value:.2f}"  # noqa: E731
    for concurrency, by_server in results.items():
        for name in by_server["ours"]:
            o, x = by_server["ours"][name], by_server["oxigraph"][name]
            lat, thr = ratio(o["median_ms"], x["median_ms"]), ratio(o["rps"], x["rps"])
            lat_s = "-" if lat is None else f"{lat:.2f}x {'ok' if lat <= TARGET_LATENCY else 'MISS'}"
            thr_s = "-" if thr is None else f"{thr:.2f}x {'ok' if thr >= TARGET_THROUGHPUT else 'MISS'}"
            label = f"**{name}**" if name == "overall" else name
            lines.append(f"| {concurrency} | {label} | {fmt(o['median_ms'])} | {fmt(o['p95_ms'])} | {o['rps']:.1f} "
                         f"| {o['errors']} | {fmt(x['median_ms'])} | {fmt(x['p95_ms'])} | {x['rps']:.1f} "
                         f"| {x['errors']} | {lat_s} | {thr_s} |")
    return "\n".join(lines)


def start_servers(args, tmp: Path, processes: list) -> dict:
    """Start both servers (appending them to processes as soon as they run), wait until they answer,
    and give oxigraph our data; returns {name: (port, endpoint path, command)}."""
    ours_port, peer_port = free_port(), free_port()
    dump, location = tmp / "curated.nq", None if args.peer_store == "memory" else tmp / "oxigraph"
    print(f"dumping the curated store to {dump} ...", file=sys.stderr)
    dump_curated(dump)
    if location is not None:
        load_peer(dump, location, peer_port)
    ours = [str(BIN / "hrckg"), "serve", "--port", str(ours_port), "--workers", str(args.workers),
            "--threads", str(args.threads)] + ([] if args.ours_store == "memory" else ["--store", str(tmp / "hrckg")])
    peer = [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{peer_port}", "--union-default-graph"]
    peer += [] if location is None else ["--location", str(location)]
    servers = {"ours": (ours_port, "/sparql", ours), "oxigraph": (peer_port, "/query", peer)}
    print("starting both servers ...", file=sys.stderr)
    for name, (_, _, command) in servers.items():
        processes.append(start(command, tmp / f"{name}.log"))
    for process, (name, (port, base, _)) in zip(processes, servers.items()):
        wait_ready(name, process, port, base, tmp / f"{name}.log")
    if location is None:
        load_peer(dump, None, peer_port)
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per server per level")
    parser.add_argument("--rounds", type=int, default=3, help="split --duration into this many alternating runs")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up before each run")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="hrckg serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="hrckg serve --threads")
    parser.add_argument("--ours-store", choices=("memory", "disk"), default="memory",
                        help="our store: in memory (the default of hrckg serve) or on disk (--store)")
    parser.add_argument("--peer-store", choices=("memory", "disk"), default="memory",
                        help="oxigraph's store: in memory (data POSTed to /store) or on disk (oxigraph load)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="hrckg-bench-"))
    processes = []
    try:
        servers = start_servers(args, tmp, processes)
        for name, query in QUERIES.items():
            counts = {server: row_count(port, base, query) for server, (port, base, _) in servers.items()}
            if len(set(counts.values())) != 1 or not counts["ours"]:
                raise SystemExit(f"query {name!r}: row counts differ or are zero: {counts}")
            print(f"  {name}: {counts['ours']} rows on both", file=sys.stderr)

        results, each = {}, args.duration / args.rounds
        for concurrency in levels:
            records = {server: [] for server in servers}
            for round_ in range(args.rounds):  # alternate the servers, and which goes first
                for server in list(servers)[:: 1 if round_ % 2 == 0 else -1]:
                    port, base, _ = servers[server]
                    print(f"round {round_ + 1}: {server} with {concurrency} client(s) ...", file=sys.stderr)
                    records[server] += measure(port, base, concurrency, args.warmup, each, round_)
            results[concurrency] = {server: summarize(records[server], args.duration) for server in servers}

        info = machine()
        print(report(results, info, args))
        if args.json:
            Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=2))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
