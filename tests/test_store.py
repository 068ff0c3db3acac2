"""Loading the project's files into the store: one named graph per file, in memory or on disk."""

import pyoxigraph as ox
import pytest

from hrckg import graph as files
from hrckg import store as stores
from hrckg.app import create_app

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def total(store) -> int:
    return int(stores.select(store, COUNT)[0]["n"].value)


def test_each_source_file_is_its_own_named_graph():
    store = stores.curated_store()
    sizes = stores.graph_sizes(store)
    assert set(sizes) == {source.graph_iri for source in files.sources()}
    assert sizes["https://w3id.org/hrckg/graph/data/generated/states"] == len(files.load([files.DATA_DIR / "generated" / "states.ttl"]))
    assert total(store) == sum(sizes.values())


def test_on_disk_store_is_reloaded_not_duplicated(tmp_path):
    expected = total(stores.curated_store())
    for _ in range(2):  # a second start replaces each graph instead of adding to it
        app = create_app({"STORE_PATH": str(tmp_path / "store"), "QUERY_PROCESSES": 1})
        try:
            response = app.test_client().get("/sparql", query_string={"query": COUNT})
            assert int(response.get_json()["results"]["bindings"][0]["n"]["value"]) == expected
        finally:
            app.extensions["hrckg.pool"].close()


def test_select_binds_values_as_substitutions():
    store = stores.curated_store()
    rows = stores.select(store, "SELECT ?state ?code WHERE { ?state <https://w3id.org/hrckg/ontology#isoAlpha3> ?code }",
                         state=ox.NamedNode("https://w3id.org/hrckg/id/country/KHM"))
    assert [row["code"].value for row in rows] == ["KHM"]


def test_a_broken_file_leaves_its_graph_as_it_was(tmp_path):
    source = tmp_path / "part.ttl"
    source.write_text("<http://e/a> <http://e/p> 1 .\n")
    store, graph_iri = ox.Store(), "http://e/graph"
    stores.load_file(store, source, graph_iri)
    source.write_text("<http://e/a> <http://e/p> 2 .\n<http://e/b> <http://e/p> .\n")
    with pytest.raises(files.LoadError):
        stores.load_file(store, source, graph_iri)
    assert [str(q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))] == [
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>']
