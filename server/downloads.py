"""The dataset as files, its named graphs at their own IRIs, and the dataset IRI.

Dumps are built once per process from the store and must be the same bytes in every process
(several gunicorn workers serve them, and the page states their SHA-256): blank nodes are given
canonical labels (RDFC-1.0), statements are sorted, and the gzip header carries no time or name."""

import gzip
import hashlib
import io
import threading
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, current_app, redirect, render_template, send_file, url_for

from . import conneg, description
from .answers import PAGE_FORMATS, SERIALIZATION_PREFIXES, html_response, rdf_response, statement_key
from .errors import NotFound, negotiated
from .identifiers import BASE, ONTOLOGY
from .loading import MANIFEST_GRAPH
from .resources import curie, local_path

blueprint = Blueprint("downloads", __name__)

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
GRAPH_PREFIX = BASE + "graph/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FILE_NAME = ox.NamedNode(ONTOLOGY + "fileName")


@dataclass(frozen=True)
class DumpFormat:
    name: str  # the file name
    title: str
    rdf_format: ox.RdfFormat
    keeps_graphs: bool  # N-Quads keeps each statement's named graph; the others give the union


DUMP_FORMATS = (
    DumpFormat("hrckg.ttl.gz", "Turtle", ox.RdfFormat.TURTLE, False),
    DumpFormat("hrckg.nt.gz", "N-Triples", ox.RdfFormat.N_TRIPLES, False),
    DumpFormat("hrckg.jsonld.gz", "JSON-LD", ox.RdfFormat.JSON_LD, False),
    DumpFormat("hrckg.nq.gz", "N-Quads", ox.RdfFormat.N_QUADS, True),
)


@dataclass(frozen=True)
class Dump:
    format: DumpFormat
    body: bytes  # gzip-compressed
    uncompressed: int  # bytes
    statements: int  # triples, or quads for N-Quads
    sha256: str  # of body

    @property
    def name(self) -> str:
        return self.format.name

    @property
    def size(self) -> int:
        return len(self.body)


def canonical_statements(store: ox.Store) -> tuple[list[ox.Quad], list[ox.Triple]]:
    """Every quad and every distinct triple of the union graph, with canonical blank node labels, sorted.

    The store labels blank nodes at random when it parses a file; RDFC-1.0 relabels them from the
    graph's shape alone, so the same data gives the same statements in every process."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    quads = sorted(dataset, key=statement_key)
    triples = sorted({quad.triple for quad in quads}, key=statement_key)
    return quads, triples


def build_dumps(store: ox.Store) -> list[Dump]:
    quads, triples = canonical_statements(store)
    dumps = []
    for fmt in DUMP_FORMATS:
        statements = quads if fmt.keeps_graphs else triples
        data = ox.serialize(statements, format=fmt.rdf_format, prefixes=SERIALIZATION_PREFIXES)
        body = gzip.compress(data, compresslevel=9, mtime=0)  # no time, no file name: the same bytes every time
        dumps.append(Dump(fmt, body, len(data), len(statements), hashlib.sha256(body).hexdigest()))
    return dumps


_building = threading.Lock()


def dumps() -> list[Dump]:
    """Built on first use, once per process (a few hundred milliseconds), then kept."""
    cached = current_app.extensions.get("hrckg.downloads")
    if cached is None:
        with _building:
            cached = current_app.extensions.get("hrckg.downloads")
            if cached is None:
                cached = build_dumps(current_app.extensions["hrckg.store"].get())
                current_app.extensions["hrckg.downloads"] = cached
    return cached


def human_size(size: int) -> str:
    """1234567 -> "1.2 MiB": what the page shows next to the exact number of bytes."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KiB"
    return f"{size / 1024 / 1024:,.1f} MiB"


def _source_files() -> dict[str, str]:
    """Named-graph IRI -> the file it was loaded from (data/generated/states.ttl), as the store's manifest records it."""
    store = current_app.extensions["hrckg.store"].get()
    return {q.subject.value: q.object.value
            for q in store.quads_for_pattern(None, FILE_NAME, None, ox.NamedNode(MANIFEST_GRAPH))}


# ---------------------------------------------------------------- routes

@blueprint.get("/downloads")
def downloads_page():
    negotiated((conneg.HTML,))
    stats = description.current_statistics()
    return html_response(render_template("downloads.html", dumps=dumps(), licence=LICENCE, human_size=human_size,
                                         graphs=len(stats["graphs"])))


@blueprint.get("/downloads/<name>")
def download(name):
    dump = next((d for d in dumps() if d.name == name), None)
    if dump is None:
        raise NotFound(f"there is no file {name!r} to download; the files are "
                        + ", ".join(d.name for d in dumps()))
    return send_file(io.BytesIO(dump.body), mimetype="application/gzip", as_attachment=True,
                     download_name=dump.name, etag=dump.sha256, conditional=True, max_age=3600)


@blueprint.get("/graph")
def graphs():
    """Every named graph, with the file it comes from and its size."""
    negotiated((conneg.HTML,))
    sources, sizes = _source_files(), description.current_statistics()["graphs"]
    rows = [{"iri": iri, "href": local_path(iri) or iri, "file": sources.get(iri), "triples": size}
            for iri, size in sorted(sizes.items())]
    return html_response(render_template("named_graph.html", graphs=rows, graph=None,
                                         total=description.current_statistics()["triples"]))


@blueprint.get("/graph/<path:name>")
def named_graph(name):
    """A named graph's IRI (https://w3id.org/hrckg/graph/...): a page about it, or its triples."""
    iri = GRAPH_PREFIX + name
    size = description.current_statistics()["graphs"].get(iri)
    if size is None:
        raise NotFound(f"there is no named graph {iri}; see /graph for the list")
    fmt = negotiated(PAGE_FORMATS)
    store = current_app.extensions["hrckg.store"].get()
    triples = [quad.triple for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
    if fmt is not conneg.HTML:
        return rdf_response(triples, fmt)

    typed = {(t.subject, t.object.value) for t in triples if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)}
    counts = Counter(cls for _, cls in typed)
    classes = [{"iri": cls, "text": curie(cls), "href": local_path(cls) or cls, "external": local_path(cls) is None,
                "count": n} for cls, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    query = f"SELECT ?s ?p ?o\nWHERE {{\n  GRAPH <{iri}> {{ ?s ?p ?o }}\n}}\nLIMIT 100\n"  # iri is a graph we hold
    graph = {"iri": iri, "file": _source_files().get(iri), "triples": size, "subjects": len({t.subject for t in triples}),
             "classes": classes, "query": query, "query_href": "/query?" + urlencode({"query": query}),
             "sparql_href": "/sparql?" + urlencode({"query": query})}
    return html_response(render_template("named_graph.html", graph=graph, graphs=None, formats=PAGE_FORMATS[1:]))


@blueprint.get("/dataset")
def dataset():
    """The dataset's IRI (https://w3id.org/hrckg/dataset) is described by the VoID document."""
    return redirect(url_for("description.void"), 303)


@blueprint.get("/dataset/linkset/<int:number>")
def linkset(number):
    """The linksets VoID names (https://w3id.org/hrckg/dataset/linkset/1...) are described there too."""
    if not 1 <= number <= len(description.current_statistics()["linksets"]):
        raise NotFound(f"there is no linkset {number}; see /.well-known/void#linksets")
    return redirect(url_for("description.void") + "#linksets", 303)
