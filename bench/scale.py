"""Scale benchmark (issue 6): `hrckg load` and `hrckg serve --store` against `oxigraph load` and
`oxigraph serve` as the synthetic data grows from 100 thousand to 10 million triples.

Run by hand, not part of the test suite:

    /tmp/cvenv/bin/python bench/scale.py --sizes 100000,1000000,10000000 --work /tmp/hrckg-scale \
        [--quick] [--results bench/RESULTS.md] [--json out.json]

For each size, bench/synthetic.py writes the synthetic N-Triples once into --work (a rerun reuses
the file). Then, for each size:

1. load: `hrckg load --store S FILE` and `oxigraph load --location L --file FILE --graph G` (the
   same named graph) into fresh directories, alternating which goes first; wall time, triples/s,
   the loader's peak RSS and the store's size on disk;
2. the curated project files are added to both stores (`hrckg load --store S`, and the curated
   N-Quads for oxigraph), so both hold the same quads and pages and gallery queries still work;
3. start-up: `hrckg serve --store S` --starts times, from spawn to the first answer of a small query,
   and whether the store's generation changed (it must not: nothing is reloaded);
4. query mix: our server and `oxigraph serve --union-default-graph` side by side, once both are
   idle; same row counts checked first; then, one query at a time, runs alternating between the
   servers from the same keep-alive client: median and p90 of each (resource pages against the
   peer's DESCRIBE of the same IRI);
5. at the sizes given by --sustained-sizes: 16 client processes for --sustained seconds on the
   whole mix (pages included), after a warm-up in which every client makes a whole pass:
   requests/s, errors, and the server's memory at the start and the end of the run.

The memory of each server, the sum of RSS (and of PSS) over its whole process tree (gunicorn
master, workers and query processes, found by parent pid in /proc), is sampled every 100 ms by a
separate process during 4 and 5. Nothing here asserts a timing: it measures and reports. See
bench/README.md ("Scale")."""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

from endpoint import BIN, PREFIXES, dump_curated, free_port, keep_alive_get, machine, start, stop

import synthetic

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/hrckg/id/"
TARGET_LOAD_RATIO = 0.8  # our load triples/s at least this share of oxigraph's
TARGET_START_S = 2.0
JSON_ACCEPT = {"Accept": "application/sparql-results+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "en"}
TURTLE = {"Accept": "text/turtle"}
SMALL_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
MiB = 2**20
PAGE = os.sysconf("SC_PAGE_SIZE")

# The mix. Session 901 is the first synthetic session, present at every size, so the point lookup,
# the page and the join touch the same resources at 100k and at 10M; the others scan what grows.
QUERIES = {
    "point lookup": f"SELECT ?p ?o WHERE {{ <{ID}doc/A-HRC-901-L.1> ?p ?o }}",
    "sponsors join": f"""SELECT ?symbol ?state ?label ?member WHERE {{
  ?draft hrc:session <{ID}session/hrc-901> ; a hrc:DraftResolution ; hrc:symbol ?symbol ; hrc:sponsorship ?s .
  ?s hrc:sponsor ?state ; hrc:councilMember ?member .
  ?state rdfs:label ?label . FILTER (lang(?label) = "en")
}} ORDER BY ?symbol ?label""",
    "sponsorships per State": """SELECT ?state (COUNT(?s) AS ?n) WHERE {
  ?s a hrc:Sponsorship ; hrc:sponsor ?state .
} GROUP BY ?state ORDER BY DESC(?n) ?state""",
    "label regex LIMIT 50": """SELECT ?resource ?label WHERE {
  ?resource rdfs:label ?label . FILTER (REGEX(?label, "cambodia", "i"))
} LIMIT 50""",
    "ORDER BY page": """SELECT ?resolution ?symbol ?date WHERE {
  ?resolution a hrc:Resolution ; hrc:symbol ?symbol ; hrc:date ?date .
} ORDER BY DESC(?date) ?symbol LIMIT 20 OFFSET 20""",
    "gallery: paragraphs-mentioning-state": (ROOT / "queries" / "paragraphs-mentioning-state.rq").read_text(),
}
PAGES = {  # our HTML page against the peer's DESCRIBE of the same IRI
    "page: synthetic draft": "doc/A-HRC-901-L.1",
    "page: State KHM": "country/KHM",
}


# -- small helpers -----------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else None


def p90(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] if ordered else None


def fmt(value, digits=1, suffix=""):
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def num(value) -> str:
    """A count with thousands separators, or the text that stands for it (an HTTP error)."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def short(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def du_mib(path: Path) -> float:
    """Disk usage of a directory (hard links counted once), MiB."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0]) / 1024 if out else 0.0


def run_timed(command: list[str], logfile: Path) -> tuple[float, float, str]:
    """Run a command to its end: (wall seconds, its peak RSS in MiB, its stdout). Fails loudly on an error."""
    started = time.perf_counter()
    with logfile.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
        out = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed with {process.returncode}; see {logfile}")
    return seconds, usage.ru_maxrss / 1024, out


# -- memory of a process tree -------------------------------------------------------------------

def process_tree(root: int) -> list[int]:
    """root and every descendant, by parent pid read from /proc/*/stat."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending += children.get(pid, [])
    return tree


def tree_roles(root: int) -> dict:
    """RSS in MiB of each process of the tree, by depth: the root (gunicorn master), its children
    (workers) and their children (query processes); for a report of where the memory is."""
    roles, level = {}, [root]
    for role in ("root", "children", "grandchildren"):
        roles[role] = sorted(round(tree_rss([pid])[0] / MiB) for pid in level)
        level = [pid for parent in level for pid in process_tree(parent) if _parent(pid) == parent]
    return roles


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def tree_rss(pids: list[int]) -> tuple[int, int]:
    """(sum of RSS in bytes, live processes) of pids, from /proc/PID/statm (cheap enough for every 100 ms).
    RSS counts the pages that forked processes share once per process."""
    rss = alive = 0
    for pid in pids:
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            alive += 1
        except (OSError, ValueError, IndexError):
            continue
    return rss, alive


def tree_pss(pids: list[int]) -> int:
    """Sum of PSS in bytes of pids (shared pages divided among their sharers); the kernel walks every
    mapping for it (about 1 ms per process), so it is read once a second."""
    pss = 0
    for pid in pids:
        try:
            pss += next(int(line.split()[1]) * 1024 for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                        if line.startswith("Pss:"))
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return pss


def _sample(roots: dict, pipe) -> None:
    """The sampler process: every 100 ms, each server tree's RSS (the tree and its PSS are read again
    every second), until the parent says stop. Samples: (time, {name: (rss, pss, processes)})."""
    samples, trees, pss, tick = [], {}, {}, 0
    while not pipe.poll(0.1):
        if tick % 10 == 0:
            trees = {name: process_tree(pid) for name, pid in roots.items()}
            pss = {name: tree_pss(pids) for name, pids in trees.items()}
        tick += 1
        sample = {}
        for name, pids in trees.items():
            rss, alive = tree_rss(pids)
            sample[name] = (rss, pss[name], alive)
        samples.append((time.monotonic(), sample))
    pipe.send(samples)


class Sampler:
    """Samples the memory of the named server trees from another process, so that reading /proc
    does not compete for the GIL with the client being timed."""

    def __init__(self, roots: dict):
        self.parent, child = multiprocessing.get_context("fork").Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_sample, args=(roots, child), daemon=True)
        self.process.start()

    def stop(self) -> list:
        self.parent.send("stop")
        samples = self.parent.recv()
        self.process.join()
        return samples


def peak(samples: list, name: str) -> dict:
    values = [s[name] for _, s in samples if name in s and s[name][2]]
    if not values:
        return {"rss_mib": None, "pss_mib": None, "processes": None}
    return {"rss_mib": max(v[0] for v in values) / MiB, "pss_mib": max(v[1] for v in values) / MiB,
            "processes": max(v[2] for v in values)}


def window_mean(samples: list, name: str, start: float, end: float) -> float | None:
    values = [s[name][0] for t, s in samples if start <= t <= end and s.get(name, (0, 0, 0))[2]]
    return sum(values) / len(values) / MiB if values else None


# -- HTTP ---------------------------------------------------------------------------------------

class Server:
    """A running server: its process, port, and the request of each item of the mix."""

    def __init__(self, name: str, process: subprocess.Popen, port: int):
        self.name, self.process, self.port = name, process, port
        self.endpoint = "/sparql" if name == "ours" else "/query"

    def query_path(self, query: str) -> str:
        return self.endpoint + "?" + urllib.parse.urlencode({"query": PREFIXES + query})

    def requests(self) -> dict:
        """Mix item -> (path, headers) on this server."""
        mix = {name: (self.query_path(query), JSON_ACCEPT) for name, query in QUERIES.items()}
        for name, local in PAGES.items():
            mix[name] = (f"/id/{local}", BROWSER) if self.name == "ours" else \
                (self.query_path(f"DESCRIBE <{ID}{local}>"), TURTLE)
        return mix


def fetch(conn, port: int, path: str, headers: dict, timeout: float = 120):
    """One GET on a keep-alive connection; reconnects once if the server closed an idle one.
    Returns (connection, status, body)."""
    for attempt in (1, 2):
        conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.will_close:
                conn.close()
                conn = None
            return conn, response.status, body
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            conn = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def wait_first_answer(process: subprocess.Popen, port: int, path: str, limit: float = 300) -> float:
    """Poll until the server answers path with 200; returns the time.monotonic() of that answer."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before answering")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", path, headers=JSON_ACCEPT)
            if conn.getresponse().status == 200:
                return time.monotonic()
            time.sleep(0.01)
        except OSError:
            time.sleep(0.01)
        finally:
            conn.close()
    raise SystemExit(f"no answer on port {port} within {limit:g} s")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the live processes among pids."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(server: "Server", limit: float = 300) -> float:
    """Wait until the server's processes use under 5 % of a CPU over 2 s (oxigraph compacts its
    freshly loaded store in the background for a while after it starts); seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        pids = process_tree(server.process.pid)
        before = cpu_seconds(pids)
        time.sleep(2)
        if cpu_seconds(pids) - before < 0.1:
            break
    return time.monotonic() - started


def start_ours(store: Path, logfile: Path, args) -> tuple[Server, float]:
    """`hrckg serve --store`; returns the server and seconds from spawn to its first answer."""
    port = free_port()
    started = time.monotonic()
    process = start([str(BIN / "hrckg"), "serve", "--store", str(store), "--port", str(port),
                     "--workers", str(args.workers), "--threads", str(args.threads)], logfile)
    server = Server("ours", process, port)
    try:
        answered = wait_first_answer(process, port, server.query_path(SMALL_QUERY))
    except BaseException:
        stop(process)
        raise
    return server, answered - started


def start_peer(location: Path, logfile: Path) -> tuple[Server, float]:
    port = free_port()
    started = time.monotonic()
    process = start([str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                     "--union-default-graph"], logfile)
    server = Server("oxigraph", process, port)
    try:
        answered = wait_first_answer(process, port, server.query_path(SMALL_QUERY))
    except BaseException:
        stop(process)
        raise
    return server, answered - started


# -- the steps ------------------------------------------------------------------------------------

def data_file(work: Path, size: int, seed: int) -> tuple[Path, int]:
    """The synthetic N-Triples of this size, written once and reused; (path, triples)."""
    path = work / f"synthetic-{short(size)}-seed{seed}.nt"
    if not path.exists():
        log(f"writing {size:,} synthetic triples to {path} ...")
        partial = path.with_suffix(".part")
        started = time.perf_counter()
        synthetic.write(partial, size, seed)
        partial.rename(path)
        log(f"  written in {time.perf_counter() - started:.1f} s")
    triples = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 24):
            triples += chunk.count(b"\n")
    return path, triples


def graph_iri(path: Path) -> str:
    from hrckg.loading import graph_for

    return graph_for(path)


def load_both(nt: Path, here: Path, runs: int) -> dict:
    """Load the file `runs` times with each loader into fresh directories; the last stores stay in
    here/hrckg and here/oxigraph."""
    iri, results = graph_iri(nt), {"ours": [], "oxigraph": []}
    for run in range(runs):
        for name in (["ours", "oxigraph"] if run % 2 == 0 else ["oxigraph", "ours"]):
            target = here / ("hrckg" if name == "ours" else "oxigraph")
            shutil.rmtree(target, ignore_errors=True)
            if name == "ours":
                command = [str(BIN / "hrckg"), "load", "--store", str(target), str(nt)]
            else:
                command = [str(BIN / "oxigraph"), "load", "--location", str(target), "--file", str(nt), "--graph", iri]
            log(f"  load run {run + 1}/{runs}: {name} ...")
            os.sync()  # the previous step's writes are not flushed on this loader's time
            seconds, rss, out = run_timed(command, here / f"load-{name}-{run + 1}.log")
            entry = {"seconds": seconds, "peak_rss_mib": rss, "disk_mib": du_mib(target)}
            if name == "ours":
                found = re.search(r"([\d,]+) triples in", out)
                entry["reported_triples"] = int(found.group(1).replace(",", "")) if found else None
            results[name].append(entry)
            log(f"    {seconds:.1f} s, peak RSS {rss:.0f} MiB")
    return results


def add_curated(here: Path, curated_nq: Path) -> None:
    """Add the project's curated files to both stores (ours: into their own graphs, with the manifest)."""
    run_timed([str(BIN / "hrckg"), "load", "--store", str(here / "hrckg")], here / "curated-ours.log")
    run_timed([str(BIN / "oxigraph"), "load", "--location", str(here / "oxigraph"), "--file", str(curated_nq)],
              here / "curated-oxigraph.log")


def generation_state(store: Path) -> tuple[str, list[str]]:
    return os.readlink(store / "current"), sorted(p.name for p in (store / "generations").iterdir())


def start_ups(here: Path, starts: int, args) -> dict:
    """Start our server on the loaded store `starts` times (and the peer as many): seconds to first answer."""
    store = here / "hrckg"
    before = generation_state(store)
    ours, peer = [], []
    for n in range(starts):
        server, seconds = start_ours(store, here / f"start-{n + 1}.log", args)
        stop(server.process)
        ours.append(seconds)
        server, seconds = start_peer(here / "oxigraph", here / f"start-peer-{n + 1}.log")
        stop(server.process)
        peer.append(seconds)
        log(f"  start {n + 1}/{starts}: ours {ours[-1]:.2f} s, oxigraph {peer[-1]:.2f} s")
    after = generation_state(store)
    return {"ours_s": ours, "oxigraph_s": peer, "generation_before": before[0], "generation_after": after[0],
            "generations_before": before[1], "generations_after": after[1], "unchanged": before == after}


def row_count(server: Server, query: str) -> int | str:
    """The number of rows the server gives for query, or "HTTP <status>" (reported, not fatal)."""
    _, status, body = fetch(None, server.port, server.query_path(query), JSON_ACCEPT)
    if status != 200:
        log(f"  {server.name}: HTTP {status} for\n{query}\n{body[:300]!r}")
        return f"HTTP {status}"
    return len(json.loads(body)["results"]["bindings"])


def checks(ours: Server, peer: Server, nt_iri: str) -> dict:
    """Same triples in the synthetic graph, same row counts for every query, every page 200."""
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{nt_iri}> {{ ?s ?p ?o }} }}"
    found = {"graph_triples": {}, "rows": {}}
    for server in (ours, peer):
        _, status, body = fetch(None, server.port, server.query_path(count), JSON_ACCEPT)
        found["graph_triples"][server.name] = int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) \
            if status == 200 else f"HTTP {status}"
    log(f"  triples in the synthetic graph: {found['graph_triples']}")
    for name, query in QUERIES.items():
        found["rows"][name] = {server.name: row_count(server, query) for server in (ours, peer)}
        log(f"  {name}: rows {found['rows'][name]}")
    for name, (path, headers) in ours.requests().items():
        if name in PAGES:
            _, status, body = fetch(None, ours.port, path, headers)
            _, peer_status, peer_body = fetch(None, peer.port, peer.requests()[name][0], TURTLE)
            found["rows"][name] = {"ours": f"HTTP {status}, {len(body) / 1024:.0f} KiB",
                                   "oxigraph": f"HTTP {peer_status}, {len(peer_body) / 1024:.0f} KiB"}
            log(f"  {name}: {found['rows'][name]}")
    return found


def latencies(ours: Server, peer: Server, reps: int, budget: float) -> dict:
    """Each item of the mix in turn, from one keep-alive client per server: 2 unrecorded runs on
    each server, then `reps` recorded ones, alternating the servers (and which goes first). An item
    stops after `budget` seconds (both servers together) once it has 5 repetitions. All runs of an
    item are consecutive, so its data stays in the page cache (see README: this VM evicts pages
    unused for about half a minute)."""
    servers = (ours, peer)
    mixes = {server.name: server.requests() for server in servers}
    conns = {server.name: None for server in servers}
    result = {}
    for name in mixes["ours"]:
        times, errors, spent = {s.name: [] for s in servers}, {s.name: 0 for s in servers}, 0.0
        for rep in range(-2, reps):
            if rep >= 5 and spent >= budget:
                break
            for server in (servers if rep % 2 == 0 else servers[::-1]):
                path, headers = mixes[server.name][name]
                started = time.perf_counter()
                conns[server.name], status, _ = fetch(conns[server.name], server.port, path, headers)
                seconds = time.perf_counter() - started
                if rep < 0:
                    continue
                spent += seconds
                if status == 200:
                    times[server.name].append(seconds * 1000)
                else:
                    errors[server.name] += 1
        result[name] = {server: {"n": len(values), "median_ms": median(values), "p90_ms": p90(values),
                                 "errors": errors[server]} for server, values in times.items()}
        log(f"    {name}: ours {fmt(result[name]['ours']['median_ms'])} ms, "
            f"oxigraph {fmt(result[name]['oxigraph']['median_ms'])} ms (n={result[name]['ours']['n']})")
    return result


def _client(job: tuple) -> list[tuple[int, float, int]]:
    """One sustained-load client process on one keep-alive connection: the mix in passes, each in
    an order shuffled with the client's seed, until at least `passes` passes are done and end_at
    has come; records (item, latency s, status; 0 for an exception) of every request."""
    port, requests, seed, passes, end_at = job
    rng, order, conn, records, done = random.Random(seed), [], None, [], -1
    while done < passes or time.monotonic() < end_at:
        if not order:
            order = list(range(len(requests)))
            rng.shuffle(order)
            done += 1
            if done >= passes and time.monotonic() >= end_at:
                break
        index = order.pop()
        path, headers = requests[index]
        started = time.monotonic()
        conn, status = keep_alive_get(conn, port, path, headers)
        records.append((index, time.monotonic() - started, status))
    if conn is not None:
        conn.close()
    return records


def sustained(server: Server, concurrency: int, warmup: float, duration: float) -> dict:
    """`concurrency` client processes: a warm-up in which every client makes at least one whole pass
    of the mix (and which lasts at least `warmup` s), then `duration` s measured (requests started
    in it). Memory is sampled throughout; "start" and "end" are its means over the first and the
    last 5 s of the measured run."""
    requests = list(server.requests().values())
    sampler = Sampler({server.name: server.process.pid})
    ignore_ctrl_c = (signal.SIGINT, signal.SIG_IGN)
    try:
        with multiprocessing.get_context("fork").Pool(concurrency, signal.signal, ignore_ctrl_c) as pool:
            warm_from = time.monotonic()
            warm = pool.map(_client, [(server.port, requests, 1000 + n, 1, warm_from + warmup) for n in range(concurrency)])
            measure_at = time.monotonic()
            end_at = measure_at + duration
            jobs = [(server.port, requests, n, 0, end_at) for n in range(concurrency)]
            records = [record for chunk in pool.map(_client, jobs) for record in chunk]
            finished_at = time.monotonic()
            roles = tree_roles(server.process.pid)
    finally:
        samples = sampler.stop()
    ok = [r for r in records if r[2] == 200]
    edge = min(5.0, duration / 5)
    start_mib = window_mean(samples, server.name, measure_at, measure_at + edge)
    end_mib = window_mean(samples, server.name, end_at - edge, end_at)
    statuses = {}
    for record in records:
        if record[2] != 200:
            statuses[record[2]] = statuses.get(record[2], 0) + 1
    latencies_ms = [r[1] * 1000 for r in ok]
    return {"seconds": duration, "clients": concurrency, "warmup_s": measure_at - warm_from,
            "warmup_errors": sum(1 for chunk in warm for r in chunk if r[2] != 200),
            "last_answer_after_s": finished_at - end_at,
            "requests": len(records), "errors": len(records) - len(ok),
            "error_statuses": statuses, "rps": len(ok) / duration,
            "median_ms": median(latencies_ms), "p90_ms": p90(latencies_ms), "max_ms": max(latencies_ms, default=None),
            "memory_start_mib": start_mib, "memory_end_mib": end_mib,
            "memory_change": (end_mib / start_mib - 1) if start_mib and end_mib else None,
            "peak": peak(samples, server.name), "processes_mib": roles}


def serve_and_measure(here: Path, nt: Path, size: int, args, processes: list) -> dict:
    """Steps 4 and 5 for one size, with both servers up."""
    ours, _ = start_ours(here / "hrckg", here / "serve-ours.log", args)
    processes.append(ours.process)
    peer, _ = start_peer(here / "oxigraph", here / "serve-oxigraph.log")
    processes.append(peer.process)
    result = {}
    try:
        result["idle_wait_s"] = {server.name: wait_idle(server) for server in (ours, peer)}
        log(f"  servers idle after {result['idle_wait_s']} s")
        log("  checking row counts ...")
        result["checks"] = checks(ours, peer, graph_iri(nt))
        log("  query mix ...")
        sampler = Sampler({"ours": ours.process.pid, "oxigraph": peer.process.pid})
        try:
            result["latency"] = latencies(ours, peer, args.reps, args.budget)
        finally:
            samples = sampler.stop()
        result["mix_peak"] = {name: peak(samples, name) for name in ("ours", "oxigraph")}
        if size in args.sustained_sizes:
            for server in ([ours, peer] if args.sustained_peer else [ours]):
                log(f"  sustained load on {server.name}: {args.concurrency} clients, {args.sustained:g} s "
                    f"after a warm-up (at least {args.warmup:g} s and one pass per client) ...")
                result.setdefault("sustained", {})[server.name] = sustained(server, args.concurrency, args.warmup,
                                                                             args.sustained)
                log(f"    {result['sustained'][server.name]['rps']:.1f} req/s, "
                    f"{result['sustained'][server.name]['errors']} errors")
    finally:
        for server in (ours, peer):
            stop(server.process)
            processes.remove(server.process)
    return result


# -- the report ---------------------------------------------------------------------------------

def machine_description(work: Path) -> dict:
    info = machine()
    with open("/proc/cpuinfo") as cpuinfo:
        info["cpu_model"] = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    device = subprocess.run(["df", "--output=source,size,avail", "-h", str(work)], capture_output=True, text=True).stdout
    info["disk"] = " ".join(device.splitlines()[-1].split()) if device else "?"
    name = info["disk"].split()[0].rsplit("/", 1)[-1]
    rotational = Path(f"/sys/block/{name}/queue/rotational")
    info["disk_rotational"] = rotational.read_text().strip() == "1" if rotational.exists() else None
    damon = Path("/sys/kernel/mm/damon/admin/kdamonds/0/state")
    info["damon"] = damon.read_text().strip() if damon.exists() else "absent"
    info["commit"] = head_commit()
    return info


def head_commit() -> str:
    """The project's HEAD commit, read from .git (other sessions may have uncommitted changes on top)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:12]
    except OSError:
        pass
    return "unknown"


def ratio(a, b):
    return a / b if a is not None and b else None


def mix_total(latency: dict, server: str) -> float | None:
    """The time of one pass through the SPARQL queries of the mix: the sum of their medians."""
    values = [latency[name][server]["median_ms"] for name in QUERIES]
    return sum(values) if all(v is not None for v in values) else None


def summary_table(results: dict) -> list[str]:
    lines = ["| synthetic triples | load ours triples/s | load oxigraph triples/s | load ratio (≥ 0.8) "
             "| start-up ours s (median) | reload at start | mix ours ms | mix oxigraph ms | mix ratio "
             "| peak memory ours MiB RSS (PSS) | peak memory oxigraph MiB | sustained req/s (errors) | memory start → end MiB |",
             "|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for size, r in results.items():
        load, lat = r["load"], r.get("latency")
        load_ratio = ratio(load["ours_tps"], load["oxigraph_tps"])
        ok = "ok" if load_ratio is not None and load_ratio >= TARGET_LOAD_RATIO else "**MISS**"
        ours_mix, peer_mix = (mix_total(lat, "ours"), mix_total(lat, "oxigraph")) if lat else (None, None)
        mem = r.get("peak", {})
        sus = r.get("sustained", {}).get("ours")
        sus_s = f"{sus['rps']:.1f} ({sus['errors']})" if sus else "not run"
        drift = (f"{sus['memory_start_mib']:,.0f} → {sus['memory_end_mib']:,.0f} ({sus['memory_change']:+.1%}, "
                 f"{'within' if abs(sus['memory_change']) <= 0.10 else '**beyond**'} 10 %)") \
            if sus and sus["memory_change"] is not None else "-"
        reload = "none" if r["start"]["unchanged"] else "**reloaded**"
        lines.append(f"| {size:,} | {load['ours_tps']:,.0f} | {load['oxigraph_tps']:,.0f} | {load_ratio:.2f}x {ok} "
                     f"| {median(r['start']['ours_s']):.2f} | {reload} | {fmt(ours_mix)} | {fmt(peer_mix)} "
                     f"| {fmt(ratio(ours_mix, peer_mix), 2, 'x')} "
                     f"| {fmt(mem.get('ours', {}).get('rss_mib'), 0)} ({fmt(mem.get('ours', {}).get('pss_mib'), 0)}) "
                     f"| {fmt(mem.get('oxigraph', {}).get('rss_mib'), 0)} | {sus_s} | {drift} |")
    return lines


def load_table(results: dict) -> list[str]:
    lines = ["| synthetic triples | runs | ours s (median, min–max) | oxigraph s (median, min–max) | ratio (≥ 0.8) "
             "| ours loader peak RSS MiB | oxigraph loader peak RSS MiB | ours store on disk MiB | oxigraph store on disk MiB |",
             "|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for size, r in results.items():
        runs = r["load_runs"]
        cells = []
        for name in ("ours", "oxigraph"):
            seconds = [x["seconds"] for x in runs[name]]
            cells.append(f"{median(seconds):.2f} ({min(seconds):.2f}–{max(seconds):.2f})")
        load_ratio = ratio(r["load"]["ours_tps"], r["load"]["oxigraph_tps"])
        lines.append(f"| {size:,} | {len(runs['ours'])} | {cells[0]} | {cells[1]} | {load_ratio:.2f}x "
                     f"{'ok' if load_ratio >= TARGET_LOAD_RATIO else '**MISS**'} "
                     f"| {max(x['peak_rss_mib'] for x in runs['ours']):,.0f} "
                     f"| {max(x['peak_rss_mib'] for x in runs['oxigraph']):,.0f} "
                     f"| {runs['ours'][-1]['disk_mib']:,.0f} | {runs['oxigraph'][-1]['disk_mib']:,.0f} |")
    return lines


def start_table(results: dict) -> list[str]:
    lines = ["| synthetic triples | starts | ours s (median, min–max) | oxigraph s (median) | generation before → after | unchanged |",
             "|---:|---:|---:|---:|---|---|"]
    for size, r in results.items():
        s = r["start"]
        ours = s["ours_s"]
        mark = "" if median(ours) < TARGET_START_S else " **over 2 s**"
        lines.append(f"| {size:,} | {len(ours)} | {median(ours):.2f} ({min(ours):.2f}–{max(ours):.2f}){mark} "
                     f"| {median(s['oxigraph_s']):.2f} | {s['generation_before']} → {s['generation_after']} "
                     f"| {'yes' if s['unchanged'] else '**no**'} |")
    return lines


def latency_table(results: dict) -> list[str]:
    sizes = list(results)
    head = " | ".join(f"{short(size)}: ours / oxigraph ms (ratio)" for size in sizes)
    lines = [f"| query | rows at {short(sizes[-1])} | {head} |", "|---|---:|" + "---|" * len(sizes)]
    for name in list(QUERIES) + list(PAGES):
        cells = []
        for size in sizes:
            lat = results[size].get("latency")
            if not lat:
                cells.append("-")
                continue
            o, x = lat[name]["ours"], lat[name]["oxigraph"]
            errs = "" if not (o["errors"] or x["errors"]) else f" **errors {o['errors']}/{x['errors']}**"
            cells.append(f"{fmt(o['median_ms'])} (p90 {fmt(o['p90_ms'])}) / {fmt(x['median_ms'])} "
                         f"(p90 {fmt(x['p90_ms'])}) ({fmt(ratio(o['median_ms'], x['median_ms']), 2, 'x')}){errs}")
        rows = results[sizes[-1]].get("checks", {}).get("rows", {}).get(name, {})
        if name in QUERIES:
            same = len(set(rows.values())) == 1
            rows_s = num(rows.get("ours", "-")) if same else f"**differ: {rows}**"
        else:
            rows_s = "page vs DESCRIBE"
        lines.append(f"| {name} | {rows_s} | " + " | ".join(cells) + " |")
    cells = []
    for size in sizes:
        lat = results[size].get("latency")
        o, x = (mix_total(lat, "ours"), mix_total(lat, "oxigraph")) if lat else (None, None)
        cells.append(f"{fmt(o)} / {fmt(x)} ({fmt(ratio(o, x), 2, 'x')})")
    lines.append("| **mix** (sum of the SPARQL medians) | | " + " | ".join(cells) + " |")
    return lines


def sustained_table(results: dict) -> list[str]:
    lines = ["| synthetic triples | server | warm-up s | clients × s | requests | req/s | errors | median ms | p90 ms "
             "| max ms | memory at start MiB | at end MiB | change | peak RSS (PSS) MiB |",
             "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for size, r in results.items():
        for name, s in r.get("sustained", {}).items():
            change = "-" if s["memory_change"] is None else \
                f"{s['memory_change']:+.1%} ({'within' if abs(s['memory_change']) <= 0.10 else '**beyond**'} 10 %)"
            errors = f"{s['errors']}" + (f" {s['error_statuses']}" if s["errors"] else "")
            lines.append(f"| {size:,} | {name} | {s['warmup_s']:.0f} | {s['clients']} × {s['seconds']:g} | {s['requests']:,} "
                         f"| {s['rps']:.1f} | {errors} | {fmt(s['median_ms'])} | {fmt(s['p90_ms'])} | {fmt(s['max_ms'])} "
                         f"| {fmt(s['memory_start_mib'], 0)} "
                         f"| {fmt(s['memory_end_mib'], 0)} | {change} | {fmt(s['peak']['rss_mib'], 0)} "
                         f"({fmt(s['peak']['pss_mib'], 0)}) |")
    return lines


def check_lines(results: dict) -> list[str]:
    lines = []
    for size, r in results.items():
        c = r.get("checks")
        if not c:
            continue
        triples = c["graph_triples"]
        differ = [name for name in QUERIES if len(set(c["rows"][name].values())) != 1
                  or not all(isinstance(n, int) and n for n in c["rows"][name].values())]
        lines.append(f"- {size:,}: the synthetic graph holds {num(triples['ours'])} triples on ours and "
                     f"{num(triples['oxigraph'])} on oxigraph (file: {r['file_triples']:,}); "
                     + ("every SPARQL query of the mix gave the same number of rows on both, and none gave zero."
                        if not differ else f"**row counts differ, are zero or failed** for {', '.join(differ)}.")
                     + " Pages: " + "; ".join(f"{name} {c['rows'][name]['ours']} (DESCRIBE {c['rows'][name]['oxigraph']})"
                                              for name in PAGES) + "."
                     + (f" Before measuring, oxigraph used CPU in the background for {r['idle_wait_s']['oxigraph']:.0f} s "
                        f"(ours {r['idle_wait_s']['ours']:.0f} s); the script waited for both to be idle."
                        if "idle_wait_s" in r else ""))
    return lines


def report(results: dict, info: dict, args, command: str, started: str, elapsed: float) -> str:
    rot = {True: ", reported rotational by the kernel", False: ", non-rotational", None: ""}[info["disk_rotational"]]
    loads = ", ".join(f"{len(r['load_runs']['ours'])} at {short(size)}" for size, r in results.items())
    out = [
        f"Command: `{command}`  ",
        f"Date: {started} (total {elapsed / 60:.1f} min)  ",
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gib']} GiB RAM, {info['platform']}; "
        f"Python {info['python']}, pyoxigraph {info['pyoxigraph']}, {info['oxigraph_cli']}; "
        f"disk {info['disk']} (device, size, free){rot}; kernel DAMON reclaim (kdamond): {info['damon']}.  ",
        f"Code: hrckg at commit {info['commit']} (plus whatever other sessions had not committed yet).  ",
        f"Settings: hrckg serve --workers {args.workers} --threads {args.threads}; oxigraph serve "
        f"--union-default-graph; load runs per loader: {loads}; query mix: per query, 2 unrecorded then up to "
        f"{args.reps} recorded runs per server, alternating (fewer once a query used {args.budget:g} s, never under 5); "
        f"sustained: {args.concurrency} clients, {args.sustained:g} s measured after a warm-up of at least "
        f"{args.warmup:g} s in which every client made at least one whole pass of the mix.",
        "", "### Summary", "", *summary_table(results),
        "", "### Load (`hrckg load --store S FILE` against `oxigraph load --location L --file FILE --graph G`)", "",
        *load_table(results),
        "", "### Start-up of `hrckg serve --store S` on the loaded store (spawn to first answer)", "",
        *start_table(results),
        "", "### Query mix: median (p90) latency, one client, keep-alive", "", *latency_table(results),
        "", "Checks:", "", *check_lines(results),
    ]
    if any("sustained" in r for r in results.values()):
        out += ["", "### Sustained load", "", *sustained_table(results), ""]
        for size, r in results.items():
            roles = r.get("sustained", {}).get("ours", {}).get("processes_mib")
            if roles:
                out.append(f"- {size:,}, ours at the end of the run, RSS per process in MiB: master {roles['root']}, "
                           f"workers {roles['children']}, query processes {roles['grandchildren']}.")
    return "\n".join(out) + "\n"


def summarize_load(runs: dict, triples: int) -> dict:
    return {f"{name}_tps": triples / median([x["seconds"] for x in runs[name]]) for name in runs}


# -- main ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000", help="synthetic triples, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/hrckg-scale"),
                        help="where the synthetic files (kept) and the stores (removed after each size) go")
    parser.add_argument("--quick", action="store_true",
                        help="100000 only, 2 load runs, 3 starts, 10 repetitions, 10 s sustained: checks the script works")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-runs", type=int, default=3, help="load runs per loader below 10M")
    parser.add_argument("--large-load-runs", type=int, default=2, help="load runs per loader at 10M and up")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each query per server")
    parser.add_argument("--budget", type=float, default=20, help="seconds per query (both servers) after 5 repetitions")
    parser.add_argument("--sustained", type=float, default=60, help="seconds of sustained load")
    parser.add_argument("--warmup", type=float, default=10, help="least seconds of warm-up before the sustained load (each client also makes one whole pass)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sustained-sizes", default=None,
                        help="sizes with a sustained-load run (default: the largest, and 1M too when the largest is 10M or more)")
    parser.add_argument("--no-sustained-peer", dest="sustained_peer", action="store_false",
                        help="run the sustained load on our server only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--results", type=Path, help="write the report, with the machine, to this Markdown file")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.load_runs, args.large_load_runs, args.starts, args.reps = "100000", 2, 1, 3, 10
        args.sustained, args.warmup = 10, 3
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.sustained_sizes is None:
        largest = max(sizes)
        args.sustained_sizes = {largest} | ({1_000_000} if largest >= 10_000_000 and 1_000_000 in sizes else set())
    else:
        args.sustained_sizes = {int(s) for s in args.sustained_sizes.split(",") if s}

    command = " ".join([Path(sys.executable).as_posix(), *sys.argv])
    started_at, started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), time.monotonic()
    args.work.mkdir(parents=True, exist_ok=True)
    curated_nq = args.work / "curated.nq"
    dump_curated(curated_nq)  # every run: the curated files may have changed since the last
    processes, results = [], {}
    try:
        for size in sizes:
            log(f"== {size:,} synthetic triples")
            nt, triples = data_file(args.work, size, args.seed)
            here = args.work / f"run-{short(size)}"
            shutil.rmtree(here, ignore_errors=True)
            here.mkdir()
            runs = args.large_load_runs if size >= 10_000_000 else args.load_runs
            r = results[size] = {"file": str(nt), "file_triples": triples, "file_mib": nt.stat().st_size / MiB}
            log(f"load ({runs} run(s) each) of {nt.name} ...")
            r["load_runs"] = load_both(nt, here, runs)
            r["load"] = summarize_load(r["load_runs"], triples)
            add_curated(here, curated_nq)
            log("start-up ...")
            r["start"] = start_ups(here, args.starts, args)
            r.update(serve_and_measure(here, nt, size, args, processes))
            peaks = {name: dict(r["mix_peak"][name]) for name in ("ours", "oxigraph")}
            for name, s in r.get("sustained", {}).items():
                for key in ("rss_mib", "pss_mib"):
                    peaks[name][key] = max(filter(None, (peaks[name][key], s["peak"][key])), default=None)
            r["peak"] = peaks
            shutil.rmtree(here / "hrckg", ignore_errors=True)
            shutil.rmtree(here / "oxigraph", ignore_errors=True)
        text = report(results, machine_description(args.work), args, command, started_at, time.monotonic() - started)
        print(text)
        if args.results:
            args.results.write_text(f"# Scale benchmark results (bench/scale.py)\n\n{text}")
        if args.json:
            args.json.write_text(json.dumps({"machine": machine_description(args.work), "command": command,
                                             "results": {str(k): v for k, v in results.items()}}, indent=2, default=str))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        for process in processes:
            stop(process)


if __name__ == "__main__":
    main()
