"""Ingest on an on-disk store: generations published whole or not at all, a process killed in the
middle of `hrckg ingest` leaves the store exactly as it was, and a running multi-worker server
sees an ingest made over HTTP in every worker."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from hrckg import store as stores
from hrckg.store import DiskStore
from live import start_server, stop_server

HRCKG = str(Path(sys.executable).with_name("hrckg"))
TOKEN = "test-token-not-secret"


def report_contribution(paragraphs: int, number: int = 1) -> str:
    """A conforming contribution (fictional, for tests): a report with numbered paragraphs."""
    doc = f"doc/A-HRC-99-{number}"
    lines = ["@base <https://w3id.org/hrckg/id/> .",
             "@prefix hrc: <https://w3id.org/hrckg/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             f'<{doc}> a hrc:Report ; rdfs:label "Report A/HRC/99/{number} (test)"@en , "报告 A/HRC/99/{number}(测试)"@zh ;',
             f'    hrc:symbol "A/HRC/99/{number}" ; hrc:author <org/ohchr> ; prov:wasDerivedFrom <{doc}/para/1> .']
    for n in range(1, paragraphs + 1):
        lines.append(f'<{doc}/para/{n}> a hrc:ReportParagraph ; rdfs:label "A/HRC/99/{number}, para. {n}"@en , '
                     f'"A/HRC/99/{number} 第{n}段"@zh ; hrc:partOf <{doc}> ; '
                     f'hrc:paragraphNumber "{n}"^^xsd:integer ; hrc:text "测试段落 {n}。"@zh .')
    return "\n".join(lines) + "\n"


def quads(path: Path) -> list[str]:
    """Every quad of the store, the ingest time left out (two runs of one ingest differ only there)."""
    store, _ = DiskStore(path).open_read_only()
    return sorted(re.sub(r'generatedAtTime> "[^"]*"', 'generatedAtTime> "…"', str(q)) for q in store)


@pytest.fixture(scope="module")
def curated_disk(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store"
    stores.curated_store(str(path))
    return path


def copy_of(store: Path, tmp_path: Path) -> Path:
    """A private copy of a DiskStore (symlink and generation)."""
    target = tmp_path / "store"
    generation = os.readlink(store / "current")
    (target / "generations").mkdir(parents=True)
    ox.Store.read_only(str(store / generation)).backup(str(target / generation))
    os.symlink(generation, target / "current")
    return target


def test_a_failed_write_publishes_nothing_and_leaves_no_generation(tmp_path):
    disk = DiskStore(tmp_path / "s")
    quad = ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.NamedNode("http://e/g"))
    disk.write(lambda store: store.add(quad))
    published = disk.generation()

    def broken(store):
        store.remove(quad)
        raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        disk.write(broken)
    assert disk.generation() == published
    assert [p.name for p in disk.generations.iterdir()] == [published.rsplit("/", 1)[1]]
    assert list(disk.open_read_only()[0]) == [quad]


def test_old_generations_are_pruned_and_readers_of_the_last_ones_keep_working(tmp_path):
    disk = DiskStore(tmp_path / "s")
    readers = []
    for n in range(5):
        disk.write(lambda store, n=n: store.add(ox.Quad(ox.NamedNode(f"http://e/{n}"), ox.NamedNode("http://e/p"),
                                                       ox.Literal(str(n)), ox.NamedNode("http://e/g"))))
        readers.append(disk.open_read_only()[0])
    assert sorted(p.name for p in disk.generations.iterdir()) == ["000003", "000004", "000005"]
    assert len(readers[-1]) == 5 and len(readers[-3]) == 3  # older generations stay readable while kept


def test_a_plain_oxigraph_directory_is_refused_with_a_message(tmp_path):
    ox.Store(str(tmp_path / "plain")).flush()
    with pytest.raises(stores.StoreLayoutError, match="plain oxigraph database"):
        DiskStore(tmp_path / "plain").write(lambda store: None)


def test_ingest_needs_an_existing_store(tmp_path):
    path = tmp_path / "c.ttl"
    path.write_text(report_contribution(1), encoding="utf-8")
    result = subprocess.run([HRCKG, "ingest", "--store", str(tmp_path / "none"), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "holds no store yet" in result.stderr and "Traceback" not in result.stderr


def _ingest_time(store: Path, contribution: Path) -> tuple[float, float]:
    """Seconds from the start to the new generation's directory, and to the end, of one ingest."""
    start, appeared = time.monotonic(), None
    with subprocess.Popen([HRCKG, "ingest", "--store", str(store), str(contribution)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        while process.poll() is None:
            if appeared is None and len(list((store / "generations").iterdir())) > 1:
                appeared = time.monotonic() - start
            time.sleep(0.001)
        assert process.returncode == 0, process.stderr.read()
    return appeared, time.monotonic() - start


@pytest.fixture(scope="module")
def timed_ingest(curated_disk, tmp_path_factory):
    """A contribution, and one uninterrupted ingest of it: (file, seconds to the new generation,
    seconds to the end, the store's quads afterwards)."""
    directory = tmp_path_factory.mktemp("timed")
    contribution = directory / "report.ttl"
    contribution.write_text(report_contribution(100), encoding="utf-8")
    store = copy_of(curated_disk, directory)
    appeared, total = _ingest_time(store, contribution)
    return contribution, appeared, total, quads(store)


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.8, 0.9, 0.97])
def test_killing_ingest_at_any_moment_leaves_the_store_before_or_after_never_between(
        curated_disk, timed_ingest, tmp_path, fraction):
    contribution, appeared, total, after = timed_ingest
    store = copy_of(curated_disk, tmp_path)
    before = quads(store)
    process = subprocess.Popen([HRCKG, "ingest", "--store", str(store), str(contribution)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # SIGKILL somewhere between the moment the new generation is started and the usual end
    time.sleep(appeared + fraction * (total - appeared))
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert quads(store) in (before, after)
    # the store is usable afterwards: the ingest can be run (again) to its end
    finish = subprocess.run([HRCKG, "ingest", "--store", str(store), str(contribution)],
                            capture_output=True, text=True, timeout=120)
    assert finish.returncode in (0, 2), finish.stderr
    assert quads(store) == after
    assert len(list((store / "generations").iterdir())) <= DiskStore.KEEP


@pytest.fixture(scope="module")
def disk_server(tmp_path_factory, curated_disk):
    directory = tmp_path_factory.mktemp("disk-server")
    store = copy_of(curated_disk, directory)
    live = start_server(directory, "--store", str(store), settings={"CONTRIBUTION_TOKEN": TOKEN})
    yield live
    stop_server(live, live.descendants())


ASK = "ASK { <https://w3id.org/hrckg/id/doc/A-HRC-99-7/para/2> ?p ?o }"


def test_an_ingest_over_http_reaches_every_worker_and_query_process(disk_server):
    # warm every worker's query processes on the old data first
    for _ in range(8):
        assert disk_server.get(ASK)[0] == 200
    status, headers, body = disk_server.request(
        "POST", "/contributions", body=report_contribution(3, number=7).encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    assert status == 201, body
    answer = json.loads(body)
    assert answer["added"] == 6 + 3 * 6 and answer["conforms"] is True  # the report's triples and 3 paragraphs'
    assert headers["location"].startswith("/graph/contribution/")
    answers = [json.loads(disk_server.get(ASK)[2])["boolean"] for _ in range(16)]
    assert answers == [True] * 16  # fresh connections land on both workers
    status, _, page = disk_server.request("GET", "/id/doc/A-HRC-99-7", headers={"Accept": "text/html"})
    assert status == 200 and "A/HRC/99/7".encode() in page


def test_ingest_over_http_with_a_wrong_token_changes_nothing(disk_server):
    before = disk_server.select_value("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, body = disk_server.request(
        "POST", "/contributions", body=report_contribution(2, number=8).encode(),
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer wrong", "Accept": "application/json"})
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
    assert disk_server.select_value("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before
