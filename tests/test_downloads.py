"""GET /downloads and its files, the named graphs at their IRIs (/graph/...), and the dataset IRI."""

import gzip
import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

from hrckg import graph as files
from hrckg.app import create_app
from hrckg.loading import MANIFEST_GRAPH

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FILES = {"hrckg.ttl.gz": ox.RdfFormat.TURTLE, "hrckg.nt.gz": ox.RdfFormat.N_TRIPLES,
         "hrckg.jsonld.gz": ox.RdfFormat.JSON_LD, "hrckg.nq.gz": ox.RdfFormat.N_QUADS}
STATES = "https://w3id.org/hrckg/graph/data/generated/states"


class Rows(HTMLParser):
    """The rows of a page (each <tr>, and each element of class "dump") as {name: cell}. A cell is a <td>,
    named column0, column1..., or any element with a class inside the row, named by each of its classes;
    it has the text, the value of the first <data> and the href of the first link in it."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.rows, self.row, self.open = [], None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "tr" or "dump" in classes:
            self.row, self.row_tag, self.depth, self.columns = {}, tag, 0, 0
            self.rows.append(self.row)
        elif self.row is not None and tag not in self.VOID:
            self.depth += tag == self.row_tag
            names = classes if tag != "td" else [f"column{self.columns}", *classes]
            self.columns += tag == "td"
            cell = {"text": "", "value": None, "href": None}
            for name in names:
                self.row[name] = cell
            self.open.append((tag, cell))
            for _, outer in self.open:
                if tag == "data" and outer["value"] is None:
                    outer["value"] = int(attrs["value"])
                if tag == "a" and outer["href"] is None:
                    outer["href"] = attrs["href"]

    def handle_endtag(self, tag):
        if self.row is None:
            return
        if tag == self.row_tag and self.depth == 0:
            self.row, self.open = None, []
            return
        self.depth -= tag == self.row_tag
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for _, cell in self.open:
            cell["text"] += data


@pytest.fixture(scope="module")
def store(site_app):
    return site_app.extensions["hrckg.store"].get()


@pytest.fixture(scope="module")
def listed(site_app) -> dict[str, dict]:
    """The files the downloads page lists, by name."""
    response = site_app.test_client().get("/downloads", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    rows = [row for row in Rows(response.get_data(as_text=True)).rows if "file" in row]
    return {row["file"]["text"]: row for row in rows}


@pytest.fixture(scope="module")
def bodies(site_app) -> dict[str, bytes]:
    client = site_app.test_client()
    return {name: client.get(f"/downloads/{name}").data for name in FILES}


def union_triples(store) -> set:
    """The distinct triples of the default graph (the union of the named graphs)."""
    return {quad.triple for quad in store}


def parse(body: bytes, rdf_format) -> list:
    return list(ox.parse(gzip.decompress(body), format=rdf_format))


def triples_of(data: bytes | None = None, rdf_format=ox.RdfFormat.TURTLE, path=None) -> set:
    """The triples of a document (pyoxigraph parses every format to quads in the default graph)."""
    return {quad.triple for quad in ox.parse(data, format=rdf_format, path=str(path) if path else None)}


def test_page_lists_every_file(listed):
    assert sorted(listed) == sorted(FILES)
    for name, row in listed.items():
        assert row["file"]["href"] == f"/downloads/{name}"
        assert len(row["checksum"]["text"].strip()) == 64


def test_page_says_what_the_files_hold(client):
    text = client.get("/downloads").get_data(as_text=True)
    assert "union" in text and "named graphs" in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in text and "CC BY 4.0" in text
    zh = client.get("/downloads?lang=zh").get_data(as_text=True)
    assert "并集" in zh and "许可" in zh


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_headers(client, name):
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert "Content-Encoding" not in response.headers  # the file is gzip; the transfer is not
    assert response.headers["ETag"].strip('"') == hashlib.sha256(response.data).hexdigest()


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_matches_the_page(listed, bodies, name):
    body, row = bodies[name], listed[name]
    assert hashlib.sha256(body).hexdigest() == row["checksum"]["text"].strip()
    assert len(body) == row["size"]["value"]
    assert len(gzip.decompress(body)) == row["uncompressed"]["value"]


@pytest.mark.parametrize("name", ["hrckg.ttl.gz", "hrckg.nt.gz", "hrckg.jsonld.gz"])
def test_triple_files_hold_the_union_graph(listed, bodies, store, name):
    statements = parse(bodies[name], FILES[name])
    triples = {s.triple for s in statements}
    assert len(statements) == len(triples) == listed[name]["count"]["value"] == len(union_triples(store))
    assert len(triples) > 11_000
    khm = ox.NamedNode("https://w3id.org/hrckg/id/country/KHM")
    assert ox.Triple(khm, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                     ox.Literal("柬埔寨", language="zh")) in triples
    ground = {t for t in union_triples(store) if not any(isinstance(term, ox.BlankNode) for term in t)}
    assert ground <= triples  # every triple without blank nodes, exactly (literals keep their lexical form)


def test_nquads_file_keeps_the_named_graphs(listed, bodies, store):
    quads = parse(bodies["hrckg.nq.gz"], ox.RdfFormat.N_QUADS)
    assert len(quads) == listed["hrckg.nq.gz"]["count"]["value"] == len(list(store))
    assert {q.graph_name.value for q in quads} == {s.graph_iri for s in files.sources()} | {MANIFEST_GRAPH}
    states = [q for q in quads if q.graph_name.value == STATES]
    assert len(states) == len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(STATES))))


def test_gzip_header_has_no_time_and_no_name(bodies):
    for body in bodies.values():
        assert body[:3] == b"\x1f\x8b\x08"
        assert body[3] & 0x08 == 0  # FNAME flag
        assert body[4:8] == b"\0\0\0\0"  # MTIME


def test_files_are_the_same_bytes_in_another_app(bodies, store):
    """Another app loads the files again (new random blank node labels) and must serve the same bytes."""
    other = create_app({"QUERY_PROCESSES": 1})
    try:
        other_store = other.extensions["hrckg.store"].get()
        labels = {t.value for q in store for t in q if isinstance(t, ox.BlankNode)}
        assert labels and labels.isdisjoint(t.value for q in other_store for t in q if isinstance(t, ox.BlankNode))
        client = other.test_client()
        for name, body in bodies.items():
            assert client.get(f"/downloads/{name}").data == body, name
    finally:
        other.extensions["hrckg.pool"].close()


def test_files_are_the_same_bytes_in_another_process(bodies):
    """A fresh interpreter (another hash seed, another store) computes the same checksums."""
    script = ("import hashlib, json; from hrckg.downloads import build_dumps; from hrckg.store import curated_store; "
              "print(json.dumps({d.name: hashlib.sha256(d.body).hexdigest() for d in build_dumps(curated_store())}))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True)
    assert json.loads(result.stdout) == {name: hashlib.sha256(body).hexdigest() for name, body in bodies.items()}


def test_conditional_request(client, bodies):
    etag = '"' + hashlib.sha256(bodies["hrckg.nt.gz"]).hexdigest() + '"'
    response = client.get("/downloads/hrckg.nt.gz", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_unknown_file_is_404(client):
    response = client.get("/downloads/hrckg.zip", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_downloads_page_is_html_only(client):
    assert client.get("/downloads", headers={"Accept": "text/turtle"}).status_code == 406


# ---------------------------------------------------------------- named graphs and the dataset

def test_graph_list(client, store):
    response = client.get("/graph", headers={"Accept": BROWSER})
    assert response.status_code == 200
    rows = [row for row in Rows(response.get_data(as_text=True)).rows if "column0" in row]
    sources = files.sources()
    assert len(rows) == len(sources) + 1 == 24  # and the manifest, which comes from no file
    by_href = {row["column0"]["href"]: row for row in rows}
    assert by_href["/graph/manifest"]["column1"]["text"] == ""
    for source in sources:
        row = by_href["/" + source.graph_iri[len("https://w3id.org/hrckg/"):]]
        assert row["column1"]["text"] == source.path.relative_to(files.ROOT).as_posix()
        size = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(source.graph_iri))))
        assert row["number"]["value"] == size


def test_named_graph_page(client, store):
    response = client.get("/graph/data/generated/states", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert '<dd id="file"><code>data/generated/states.ttl</code></dd>' in html
    size = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(STATES))))
    assert f'<dd id="triples"><data value="{size}">' in html
    assert f"GRAPH &lt;{STATES}&gt; {{ ?s ?p ?o }}" in html
    assert 'href="?format=turtle"' in html and 'href="/query?query=SELECT' in html
    rows = [row for row in Rows(html).rows if "column1" in row]
    assert {row["column0"]["text"]: row["number"]["text"] for row in rows}["hrc:State"] == "57"


def test_example_query_runs(site_app, client):
    """The page's query, sent to the endpoint, returns the graph's triples (up to its LIMIT)."""
    query = f"SELECT ?s ?p ?o\nWHERE {{\n  GRAPH <{STATES}> {{ ?s ?p ?o }}\n}}\nLIMIT 100\n"
    assert query.replace("<", "&lt;").replace(">", "&gt;") in client.get("/graph/data/generated/states").get_data(as_text=True)
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 100


@pytest.mark.parametrize("accept, fmt, rdf_format", [
    ("text/turtle", None, ox.RdfFormat.TURTLE),
    ("application/n-triples", None, ox.RdfFormat.N_TRIPLES),
    (BROWSER, "rdfxml", ox.RdfFormat.RDF_XML),
    (BROWSER, "jsonld", ox.RdfFormat.JSON_LD),
])
def test_named_graph_as_rdf(client, store, accept, fmt, rdf_format):
    response = client.get("/graph/data/generated/states", query_string={"format": fmt} if fmt else {},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == rdf_format.media_type
    in_file = triples_of(path=files.DATA_DIR / "generated" / "states.ttl")
    assert triples_of(response.data, rdf_format) == in_file  # the file has no blank nodes


def test_ontology_graph_as_rdf_has_its_blank_nodes(client):
    response = client.get("/graph/ontology/hrckg", headers={"Accept": "application/n-triples"})
    triples = triples_of(response.data, ox.RdfFormat.N_TRIPLES)
    in_file = triples_of(path=files.ONTOLOGY_DIR / "hrckg.ttl")
    assert len(triples) == len(in_file)
    assert sum(isinstance(t.subject, ox.BlankNode) for t in triples) == sum(isinstance(t.subject, ox.BlankNode) for t in in_file) > 0


def test_unknown_graph_is_404(client):
    assert client.get("/graph/data/generated/nothing", headers={"Accept": BROWSER}).status_code == 404
    assert client.get("/graph/data/generated/nothing", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/graph/data", headers={"Accept": "text/turtle"}).status_code == 404


def test_named_graph_406(client):
    response = client.get("/graph/data/generated/states", headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_dataset_iri_redirects_to_void(client):
    response = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/.well-known/void"
    assert client.get(response.headers["Location"], headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/dataset/linkset/1").status_code == 303
    assert client.get("/dataset/linkset/999").status_code == 404
