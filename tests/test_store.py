"""Loading files into the store: one named graph per file, a manifest of checksums, reloading only
what changed, and `hrckg load`."""

import gzip
import os

import pyoxigraph as ox
import pytest

from hrckg import cli, loading
from hrckg import graph as files
from hrckg import store as stores
from hrckg.app import create_app
from hrckg.identifiers import BASE

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MANIFEST = ox.NamedNode(loading.MANIFEST_GRAPH)


def total(store) -> int:
    return int(stores.select(store, COUNT)[0]["n"].value)


def graph_triples(store, iri: str) -> set[str]:
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}


def test_each_source_file_is_its_own_named_graph_and_the_manifest_names_its_file_and_checksum():
    store = stores.curated_store()
    sizes = stores.graph_sizes(store)
    assert set(sizes) == {source.graph_iri for source in files.sources()} | {loading.MANIFEST_GRAPH}
    assert sizes["https://w3id.org/hrckg/graph/data/generated/states"] == len(files.load([files.DATA_DIR / "generated" / "states.ttl"]))
    assert total(store) == sum(sizes.values())
    assert loading.recorded(store) == {source.graph_iri: loading.sha256_of(source.path) for source in files.sources()}
    rows = stores.select(store, "SELECT ?file WHERE { GRAPH <https://w3id.org/hrckg/graph/manifest> { "
                                "<https://w3id.org/hrckg/graph/data/generated/states> <https://w3id.org/hrckg/ontology#fileName> ?file } }")
    assert [row["file"].value for row in rows] == ["data/generated/states.ttl"]


def test_on_disk_store_is_reloaded_not_duplicated(tmp_path):
    expected = total(stores.curated_store())
    for _ in range(2):  # a second start replaces each graph instead of adding to it
        app = create_app({"STORE_PATH": str(tmp_path / "store"), "QUERY_PROCESSES": 1})
        try:
            response = app.test_client().get("/sparql", query_string={"query": COUNT})
            assert int(response.get_json()["results"]["bindings"][0]["n"]["value"]) == expected
        finally:
            app.extensions["hrckg.pool"].close()


def test_a_start_with_nothing_changed_writes_nothing(tmp_path):
    path = str(tmp_path / "store")
    stores.curated_store(path)
    disk = stores.DiskStore(path)
    first = disk.generation()
    assert not disk.sync()
    stores.curated_store(path)
    assert disk.generation() == first
    assert sorted(os.listdir(tmp_path / "store" / "generations")) == [first.rsplit("/", 1)[1]]


def _sources(tmp_path, names):
    return [files.Source(tmp_path / f"{name}.ttl", f"{BASE}graph/data/test/{name}") for name in names]


def test_only_files_whose_checksum_changed_are_reloaded_and_deleted_files_are_dropped(tmp_path):
    for name, value in (("a", 1), ("b", 2), ("c", 3)):
        (tmp_path / f"{name}.ttl").write_text(f"<http://e/{name}> <http://e/p> {value} .\n")
    store = ox.Store()
    first = loading.sync(store, _sources(tmp_path, "abc"))
    assert [s.graph_iri for s in first.load] == [f"{BASE}graph/data/test/{n}" for n in "abc"] and first.drop == []

    (tmp_path / "b.ttl").write_text("<http://e/b> <http://e/p> 20 .\n")
    second = loading.sync(store, _sources(tmp_path, "ab"))  # b changed, c deleted
    assert [s.graph_iri for s in second.load] == [f"{BASE}graph/data/test/b"]
    assert second.unchanged == 1 and second.drop == [f"{BASE}graph/data/test/c"]
    assert graph_triples(store, f"{BASE}graph/data/test/b") == {
        '<http://e/b> <http://e/p> "20"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    assert not store.contains_named_graph(ox.NamedNode(f"{BASE}graph/data/test/c"))
    assert set(loading.recorded(store)) == {f"{BASE}graph/data/test/a", f"{BASE}graph/data/test/b"}
    assert not loading.sync(store, _sources(tmp_path, "ab"))


def test_sync_never_drops_contributions_or_loaded_files(tmp_path):
    (tmp_path / "a.ttl").write_text("<http://e/a> <http://e/p> 1 .\n")
    store = ox.Store()
    loading.load_paths(store, [tmp_path / "a.ttl"])  # not a project file: graph/load/a
    contribution = ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/p"), ox.Literal("x"),
                           ox.NamedNode(f"{BASE}graph/contribution/0123456789abcdef"))
    store.add(contribution)
    loading.sync(store, [])
    assert store.contains_named_graph(ox.NamedNode(f"{BASE}graph/load/a")) and contribution in store


def test_select_binds_values_as_substitutions():
    store = stores.curated_store()
    rows = stores.select(store, "SELECT ?state ?code WHERE { ?state <https://w3id.org/hrckg/ontology#isoAlpha3> ?code }",
                         state=ox.NamedNode("https://w3id.org/hrckg/id/country/KHM"))
    assert [row["code"].value for row in rows] == ["KHM"]


# ---------------------------------------------------------------- hrckg load

def test_load_puts_each_file_in_its_graph_with_progress_and_rate(tmp_path, capsys):
    plain = tmp_path / "extra.nt"
    plain.write_text("<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> <http://e/c> .\n")
    packed = tmp_path / "more.ttl.gz"
    packed.write_bytes(gzip.compress(b"@prefix e: <http://e/> . e:d e:p 1, 2, 3 ."))
    store_path = tmp_path / "store"
    assert cli.main(["load", "--store", str(store_path), str(plain), str(packed)]) == 0
    out, err = capsys.readouterr()
    assert "hrckg load: 2 files, 5 triples in" in out and "triples/s" in out
    assert "extra.nt: 0.0 MB, 2 triples in" in err and "more.ttl.gz: 0.0 MB, 3 triples in" in err
    store, _ = stores.DiskStore(store_path).open_read_only()
    assert len(graph_triples(store, f"{BASE}graph/load/extra")) == 2
    assert len(graph_triples(store, f"{BASE}graph/load/more")) == 3
    manifest = {(q.subject.value, q.predicate.value[len(BASE):], q.object.value)
                for q in store.quads_for_pattern(None, None, None, MANIFEST)}
    assert (f"{BASE}graph/load/more", "ontology#fileName", "more.ttl.gz") in manifest
    assert (f"{BASE}graph/load/more", "ontology#sha256", loading.sha256_of(packed)) in manifest


def test_load_without_files_loads_the_project_and_a_server_starts_on_it_without_reloading(tmp_path, capsys):
    store_path = tmp_path / "store"
    assert cli.main(["load", "--store", str(store_path)]) == 0
    assert f"hrckg load: {len(files.sources())} files, " in capsys.readouterr().out
    disk = stores.DiskStore(store_path)
    generation = disk.generation()
    app = create_app({"STORE_PATH": str(store_path), "QUERY_PROCESSES": 1})
    app.extensions["hrckg.pool"].close()
    assert disk.generation() == generation


@pytest.mark.parametrize("content, where", [
    ('<http://e/a> <http://e/p> "2" .\n<http://e/b> <http://e/p> .\n', "line 2"),
    ("<http://e/a> <http://e/p> \"unterminated .\n", "line 1"),
])
def test_a_broken_file_publishes_nothing(tmp_path, capsys, content, where):
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text('<http://e/a> <http://e/p> "1" .\n')
    bad.write_text(content)
    store_path = tmp_path / "store"
    assert cli.main(["load", "--store", str(store_path), str(good)]) == 0
    generation = stores.DiskStore(store_path).generation()
    assert cli.main(["load", "--store", str(store_path), str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"hrckg load: error: {bad}:" in err and where in err and "Traceback" not in err
    assert stores.DiskStore(store_path).generation() == generation
    assert sorted(os.listdir(store_path / "generations")) == [generation.rsplit("/", 1)[1]]


@pytest.mark.parametrize("name, message", [("notes.txt", "unsupported file type '.txt'"), ("missing.nt", "no such file")])
def test_load_refuses_what_it_cannot_read(tmp_path, capsys, name, message):
    if name.endswith(".txt"):
        (tmp_path / name).write_text("hello")
    assert cli.main(["load", "--store", str(tmp_path / "store"), str(tmp_path / name)]) == 1
    assert f"{tmp_path / name}: {message}" in capsys.readouterr().err


def test_two_files_for_one_graph_are_refused(tmp_path, capsys):
    for name in ("x.nt", "x.ttl"):
        (tmp_path / name).write_text('<http://e/a> <http://e/p> "1" .\n')
    assert cli.main(["load", "--store", str(tmp_path / "store"), str(tmp_path / "x.nt"), str(tmp_path / "x.ttl")]) == 1
    assert "would go into the same named graph" in capsys.readouterr().err
