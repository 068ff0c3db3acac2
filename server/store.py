"""All access to the pyoxigraph store: opening it, loading the project's files, reading its shape.

Each file of ontology/, data/ and shapes/ goes into its own named graph (see graph.sources());
queries see the union of them as their default graph."""

import os
from pathlib import Path

import pyoxigraph as ox

from . import graph

def load_file(store: ox.Store, path: Path, graph_iri: str) -> None:
    """Replace the named graph graph_iri with the content of path.

    The file is parsed completely before the graph is touched, so a broken file leaves it as it was."""
    target = ox.NamedNode(graph_iri)
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if rdf_format is None:
        raise graph.LoadError(path, f"unsupported file type {path.suffix!r}")
    try:
        quads = [ox.Quad(q.subject, q.predicate, q.object, target)
                 for q in ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri())]
    except SyntaxError as err:
        raise graph.LoadError(path, str(err)) from None
    if store.contains_named_graph(target):
        store.remove_graph(target)
    store.extend(quads)


def load_sources(store: ox.Store, sources=None) -> int:
    """Load every source file into its named graph; returns the number of files loaded."""
    sources = graph.sources() if sources is None else sources
    for source in sources:
        load_file(store, source.path, source.graph_iri)
    return len(sources)


def curated_store(path: str | None = None) -> ox.Store:
    """A store holding the curated graph: in memory, or at path on disk (created if missing)."""
    store = ox.Store(path) if path else ox.Store()
    load_sources(store)
    if path:
        store.flush()
    return store


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(query)}


def select(store: ox.Store, query: str, **bindings) -> list[dict]:
    """Run one of the server's own SELECT queries over the union graph.

    Bindings go in as pyoxigraph substitutions (never string formatting); a bound variable must be projected."""
    substitutions = {ox.Variable(name): value for name, value in bindings.items()}
    solutions = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


def current() -> ox.Store:
    """The store of the app serving the current request."""
    from flask import current_app

    return current_app.extensions["hrckg.store"].get()


class StoreHandle:
    """How each process reaches the store.

    An in-memory store is handed to worker and query processes by fork. A store on disk is opened
    read-only once per process, because a RocksDB handle must not cross a fork."""

    def __init__(self, store: ox.Store | None = None, path: str | None = None):
        if (store is None) == (path is None):
            raise ValueError("give either an in-memory store or the path of one on disk")
        self._store, self.path, self._pid = store, path, None

    def get(self) -> ox.Store:
        if self.path is not None and self._pid != os.getpid():
            self._store, self._pid = ox.Store.read_only(self.path), os.getpid()
        return self._store
