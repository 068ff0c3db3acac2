"""Loading RDF files: a malformed file is a LoadError naming file, line and column, never a traceback."""

import pytest

from hrckg import graph as files


def test_malformed_turtle_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n', encoding="utf-8")
    with pytest.raises(files.LoadError) as caught:
        files.load([bad])
    assert caught.value.path == str(bad)
    assert caught.value.line == 3 and caught.value.column >= 1
    assert str(caught.value).startswith(f"{bad}:3:")


def test_wrong_encoding_and_unknown_type_are_load_errors(tmp_path):
    latin = tmp_path / "latin.ttl"
    latin.write_bytes('<http://e/a> <http://e/b> "caf\xe9" .'.encode("latin-1"))
    with pytest.raises(files.LoadError, match="not UTF-8"):
        files.load([latin])
    with pytest.raises(files.LoadError, match="unsupported file type"):
        files.load([tmp_path / "data.csv"])


def test_every_source_file_has_its_own_named_graph():
    sources = files.sources()
    assert len({s.graph_iri for s in sources}) == len(sources)
    assert any(s.graph_iri.endswith("graph/data/generated/states") for s in sources)
