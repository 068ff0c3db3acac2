"""The external store (server/remote.py) on a real `oxigraph serve`: loading by checksum, blank nodes,
bound queries, ingest, two stateless servers on one store, and clear errors.

The protocol, page, live-server and browser tests also run on it (tests/external.py)."""

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from external import start_oxigraph, stop_oxigraph
from live import start_server, stop_server
from test_ingest_disk import TOKEN, report_contribution

from hrckg import graph as files
from hrckg import loading
from hrckg import store as stores
from hrckg.app import create_app
from hrckg.identifiers import BASE
from hrckg.query_text import bind
from hrckg.remote import GENID, RemoteStoreError, SparqlHttpStore

HRCKG = str(Path(sys.executable).with_name("hrckg"))
KHM = ox.NamedNode("https://w3id.org/hrckg/id/country/KHM")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    external = start_oxigraph(tmp_path_factory.mktemp("oxigraph-external"))
    yield external
    stop_oxigraph(external)


@pytest.fixture()
def store(oxigraph):
    """The external store, emptied before the test."""
    remote = oxigraph.store()
    remote.update("DROP SILENT ALL")
    yield remote
    remote.close()


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([HRCKG, *arguments], capture_output=True, text=True, timeout=120)


def raw_sizes(oxigraph) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(oxigraph.base + "/query?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        rows = json.load(answer)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def test_hrckg_load_puts_every_project_file_in_its_graph_like_the_embedded_store(oxigraph, store):
    done = run("load", *oxigraph.arguments)
    assert done.returncode == 0, done.stderr
    assert f"hrckg load: {len(files.sources())} files, " in done.stdout and f"into {oxigraph.base}/query" in done.stdout
    assert raw_sizes(oxigraph) == stores.graph_sizes(stores.curated_store())
    assert loading.recorded(store) == {s.graph_iri: loading.sha256_of(s.path) for s in files.sources()}


def test_a_server_start_on_a_loaded_store_loads_nothing_and_a_changed_file_only_that(oxigraph, store, tmp_path):
    loading.sync(store)
    assert not loading.plan(store)
    app = create_app({"QUERY_PROCESSES": 1, **oxigraph.settings})  # would raise if it tried and failed
    app.extensions["hrckg.pool"].close()
    assert not loading.plan(store)

    (tmp_path / "a.ttl").write_text("<http://e/a> <http://e/p> 1 .\n")
    (tmp_path / "b.ttl").write_text("<http://e/b> <http://e/p> 2 .\n")
    sources = [files.Source(tmp_path / f"{n}.ttl", f"{BASE}graph/data/test/{n}") for n in "ab"]
    loading.sync(store, sources)
    (tmp_path / "b.ttl").write_text("<http://e/b> <http://e/p> 20 .\n")
    work = loading.sync(store, sources[1:])
    assert [s.graph_iri for s in work.load] == [f"{BASE}graph/data/test/b"] and work.drop == [f"{BASE}graph/data/test/a"]
    assert f"{BASE}graph/data/test/a" not in raw_sizes(oxigraph)
    assert [str(q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/data/test/b"))] == [
        '"20"^^<http://www.w3.org/2001/XMLSchema#integer>']


def test_blank_nodes_are_kept_as_skolem_iris_there_and_read_back_as_blank_nodes(store):
    graph, node = ox.NamedNode("http://e/g"), ox.BlankNode("list1")
    store.extend([ox.Quad(ox.NamedNode("http://e/shape"), ox.NamedNode("http://e/in"), node, graph),
                  ox.Quad(node, ox.NamedNode("http://e/first"), ox.Literal("x"), graph)])
    raw = list(store.query("SELECT ?o WHERE { <http://e/shape> <http://e/in> ?o }"))
    assert [row["o"] for row in raw] == [node]  # the answer names the blank node, not the skolem IRI
    assert [q.object for q in store.quads_for_pattern(node, None, None, None)] == [ox.Literal("x")]
    stored = store.query(f"ASK {{ <http://e/shape> <http://e/in> <{GENID}list1> }}")
    assert bool(stored)


def test_bound_queries_give_the_same_rows_as_the_embedded_store(oxigraph, store):
    loading.sync(store)
    query = ("SELECT ?state ?lang ?label WHERE { ?state <http://www.w3.org/2000/01/rdf-schema#label> ?label "
             "FILTER(lang(?label) = ?lang) }")
    bindings = {"state": KHM, "lang": ox.Literal("en")}
    expected = [row["label"] for row in stores.select(stores.curated_store(), query, **bindings)]
    assert [row["label"] for row in stores.select(store, query, **bindings)] == expected == [ox.Literal("Cambodia", language="en")]


def test_values_are_bound_in_the_first_group_not_in_strings_comments_or_iris():
    query = 'PREFIX e: <http://e/> # { a comment\nSELECT ?x ("{" AS ?y) WHERE { ?x ?p "{" }'
    bound = bind(query, {ox.Variable("x"): ox.NamedNode("http://e/a")})
    assert bound == 'PREFIX e: <http://e/> # { a comment\nSELECT ?x ("{" AS ?y) WHERE { VALUES (?x) { (<http://e/a>) }  ?x ?p "{" }'


def test_two_stateless_servers_on_one_store_both_see_an_ingest(oxigraph, store, tmp_path):
    loading.sync(store)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    first = start_server(tmp_path / "one", settings={**oxigraph.settings, "CONTRIBUTION_TOKEN": TOKEN})
    second = start_server(tmp_path / "two", settings=oxigraph.settings)
    try:
        ask = "ASK { <https://w3id.org/hrckg/id/doc/A-HRC-99-5/para/1> ?p ?o }"
        assert json.loads(second.get(ask)[2])["boolean"] is False
        assert second.request("GET", "/id/doc/A-HRC-99-5", headers={"Accept": "text/html"})[0] == 404
        status, headers, body = first.request(
            "POST", "/contributions", body=report_contribution(2, number=5).encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
        assert status == 201, body
        assert json.loads(body)["added"] == 6 + 2 * 6
        assert json.loads(second.get(ask)[2])["boolean"] is True  # a query goes to the store: no cache to drop
        time.sleep(stores.StoreHandle.REMOTE_CHECK_SECONDS + 0.2)  # the second server notices at its next check
        status, _, page = second.request("GET", "/id/doc/A-HRC-99-5", headers={"Accept": "text/html"})
        assert status == 200 and "A/HRC/99/5".encode() in page
        status, _, graphs = second.request("GET", "/graph", headers={"Accept": "text/html"})
        assert status == 200 and headers["location"].encode() in graphs  # the statistics were rebuilt
    finally:
        stop_server(first, first.descendants())
        stop_server(second, second.descendants())


def test_a_read_only_external_store_is_served_but_not_written(oxigraph, store, tmp_path):
    loading.sync(store)
    live = start_server(tmp_path, "--sparql-query", oxigraph.base + "/query", settings={"CONTRIBUTION_TOKEN": TOKEN})
    try:
        assert live.select_value("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/hrckg/ontology#State> }") == "57"
        status, _, body = live.request(
            "POST", "/contributions", body=report_contribution(1, number=6).encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
        assert status == 409 and "no update and Graph Store URLs" in json.loads(body)["error"]["message"]
    finally:
        stop_server(live, live.descendants())
    done = run("load", "--sparql-query", oxigraph.base + "/query")
    assert done.returncode == 1 and "the external store is read-only here" in done.stderr


def test_an_unreachable_store_is_named_in_a_clear_error(tmp_path):
    from live import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    done = run("serve", "--sparql-query", url, "--sparql-update", url, "--graph-store", url, "--port", "0")
    assert done.returncode == 2
    assert f"hrckg serve: error: cannot reach the external store at {url}" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(RemoteStoreError, match="cannot reach the external store"):
        SparqlHttpStore(url).query("ASK {}")


@pytest.mark.parametrize("arguments, message", [
    (["--store", "x", "--sparql-query", "http://127.0.0.1:9/q"], "not both"),
    (["--sparql-update", "http://127.0.0.1:9/u"], "needs its query URL"),
    (["--sparql-query", "ftp://127.0.0.1/q"], "must be an http(s) URL"),
])
def test_store_options_that_do_not_fit_are_refused(arguments, message):
    done = run("load", *arguments)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_a_broken_file_loaded_into_the_external_store_leaves_its_graph_as_it_was(oxigraph, store, tmp_path):
    good = tmp_path / "part.nt"
    good.write_text('<http://e/a> <http://e/p> "1" .\n')
    assert run("load", *oxigraph.arguments, str(good)).returncode == 0
    good.write_text('<http://e/a> <http://e/p> "2" .\n<http://e/b> <http://e/p> .\n')
    done = run("load", *oxigraph.arguments, str(good))
    assert done.returncode == 1 and f"{good}:" in done.stderr and "line 2" in done.stderr
    assert [str(q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/load/part"))] == [
        '"1"']
