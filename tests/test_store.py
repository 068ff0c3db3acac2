"""Loading the project's files into the store: one named graph per file, in memory or on disk."""

import pyoxigraph as ox

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
