"""Benchmark contribution validation: a ~200-triple contribution checked merged with the graph
(hrckg.contributions.check, which validates only what the contribution adds or touches), against
plain pySHACL validation of the whole merged graph, at the curated size and with synthetic data.

Run by hand, not part of the test suite:

    /tmp/cvenv/bin/python bench/contributions.py [--sizes 0,100000,1000000] [--runs 7]
                                                 [--peer-limit 100000] [--peer-timeout 900]

For each size, bench/synthetic.py writes that many synthetic triples, which are loaded into an
in-memory pyoxigraph store with the curated graph; the median of --runs checks is timed (after
one warm-up), with the contribution's size and the number of resources validated. The peer,
pyshacl over the whole merged graph (as `hrckg validate --all` does it), runs once per size up to
--peer-limit synthetic triples, in a child process stopped after --peer-timeout seconds. The
target (issue 5) is a median under 2 s with 1 million synthetic triples. See bench/README.md."""

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from hrckg import contributions  # noqa: E402
from hrckg.store import curated_store  # noqa: E402

TARGET_SECONDS = 2.0
SYNTHETIC_GRAPH = ox.NamedNode("https://w3id.org/hrckg/graph/bench/synthetic")


def store_with(size: int, directory: Path) -> tuple[ox.Store, float]:
    """The curated graph plus `size` synthetic triples, in memory; and the seconds loading took."""
    store = curated_store()
    if size:
        path = directory / f"synthetic-{size}.nt"
        synthetic.write(path, size, seed=1)
        start = time.perf_counter()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=SYNTHETIC_GRAPH)
        return store, time.perf_counter() - start
    return store, 0.0


def time_checks(store: ox.Store, contribution: contributions.Contribution, runs: int) -> tuple[list[float], object]:
    contributions.check(store, contribution)  # warm-up: shapes parsed, caches filled
    times, outcome = [], None
    for _ in range(runs):
        start = time.perf_counter()
        outcome = contributions.check(store, contribution)
        times.append(time.perf_counter() - start)
    return times, outcome


def _peer(store_quads_path: str, contribution_text: str, answer) -> None:
    """Child process: plain pySHACL over the whole merged graph (store + contribution)."""
    from hrckg import validation
    from hrckg.contribution_cli import store_graph

    store = ox.Store()
    store.bulk_load(path=store_quads_path, format=ox.RdfFormat.N_QUADS)
    graph = store_graph(store)
    graph.parse(data=contribution_text, format="turtle", publicID="https://w3id.org/hrckg/id/")
    start = time.perf_counter()
    report = validation.validate(graph)
    answer.send((time.perf_counter() - start, len(graph), report.conforms))


def peer_seconds(store: ox.Store, contribution_text: str, timeout: float, directory: Path):
    """(seconds, triples, conforms) of the peer, or None if it did not finish within timeout."""
    path = directory / "merged.nq"
    store.dump(str(path), format=ox.RdfFormat.N_QUADS)
    context = multiprocessing.get_context("spawn")  # a clean process: no RocksDB or rdflib state
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_peer, args=(str(path), contribution_text, send))
    child.start()
    finished = receive.poll(timeout)
    result = receive.recv() if finished else None
    child.kill()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,100000,1000000", help="synthetic triples added to the curated graph")
    parser.add_argument("--runs", type=int, default=7, help="timed checks per size (median reported)")
    parser.add_argument("--peer-limit", type=int, default=100_000, help="largest size the pySHACL peer runs at")
    parser.add_argument("--peer-timeout", type=float, default=900, help="seconds the peer may take")
    args = parser.parse_args()
    text = synthetic.contribution(seed=1)
    contribution = contributions.parse(text.encode("utf-8"), "synthetic-contribution.ttl")
    print(f"contribution: {len(contribution.triples)} triples; {args.runs} timed runs per size\n")
    print("| synthetic triples | store triples | load s | check median s | min–max s | validated | conforms "
          "| pySHACL whole graph s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|:-:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            store, load = store_with(size, Path(tmp))
            times, outcome = time_checks(store, contribution, args.runs)
            median = statistics.median(times)
            peer = "not run"
            ratio = "–"
            if size <= args.peer_limit:
                result = peer_seconds(store, text, args.peer_timeout, Path(tmp))
                if result is None:
                    peer, ratio = f"> {args.peer_timeout:.0f} (stopped)", f"> {args.peer_timeout / median:.0f}x"
                else:
                    peer, ratio = f"{result[0]:.1f}", f"{result[0] / median:.0f}x"
            flag = " (target < 2 s: " + ("met" if median < TARGET_SECONDS else "MISSED") + ")" if size >= 1_000_000 else ""
            print(f"| {size:,} | {len(store):,} | {load:.1f} | {median:.2f}{flag} | {min(times):.2f}–{max(times):.2f} "
                  f"| {outcome.focus} | {outcome.report.conforms} | {peer} | {ratio} |", flush=True)
            del store


if __name__ == "__main__":
    main()
