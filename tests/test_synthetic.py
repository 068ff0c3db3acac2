"""bench/synthetic.py, the benchmarks' data: same seed same bytes, the size asked for, plainly
synthetic, linked only to resources that exist, and conforming to the shapes merged with the
curated graph (and so does the one-resolution contribution that issue 5's benchmark validates)."""

import gzip
import importlib.util
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from hrckg import validation

BENCH = Path(__file__).resolve().parent.parent / "bench"
ID = "https://w3id.org/hrckg/id/"
HRC = Namespace("https://w3id.org/hrckg/ontology#")


def _import_bench(name):
    """bench/ is a folder of scripts, not a package: load one by path (as `python bench/x.py` would)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


synthetic = _import_bench("synthetic")


def _triples(path):
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    """20,000 triples for seed 1, as N-Triples."""
    path = tmp_path_factory.mktemp("synthetic") / "seed1.nt"
    return path, synthetic.write(path, 20_000, seed=1)


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(stream, tmp_path, capsys):
    path, count = stream
    again, gzipped, other = tmp_path / "again.nt", tmp_path / "seed1.nt.gz", tmp_path / "seed2.nt.gz"
    assert synthetic.write(again, 20_000, seed=1) == count
    assert again.read_bytes() == path.read_bytes()
    assert synthetic.main(["--triples", "20000", "--seed", "1", "--out", str(gzipped)]) == 0
    assert re.fullmatch(rf"{count} triples written to \S+ in [0-9.]+ s \([0-9,]+ triples/s\)\n", capsys.readouterr().out)
    first = gzipped.read_bytes()
    synthetic.write(gzipped, 20_000, seed=1)
    assert gzipped.read_bytes() == first  # no time stamp or file name in the gzip header
    assert gzip.decompress(first) == path.read_bytes()
    synthetic.write(other, 20_000, seed=2)
    assert gzip.decompress(other.read_bytes()) != path.read_bytes()


@pytest.mark.parametrize("target, seed", [(3_000, 3), (5_000, 3), (20_000, 4), (100_000, 3)])
def test_the_size_is_within_60_triples_of_the_target_and_every_line_is_a_distinct_triple(target, seed, tmp_path):
    path = tmp_path / "out.nt"
    count = synthetic.write(path, target, seed=seed)
    assert abs(count - target) <= 60
    assert path.read_bytes().count(b"\n") == count
    assert len(set(_triples(path))) == count


def test_the_stream_links_only_to_resources_that_exist_and_never_reuses_a_curated_iri(stream, curated):
    path, _ = stream
    triples = _triples(path)
    typed = {t.subject.value for t in triples if t.predicate.value == str(RDF.type)}
    subjects = {t.subject.value for t in triples}
    curated_subjects = {str(s) for s in curated.subjects()}
    curated_typed = {str(s) for s in curated.subjects(RDF.type, None)}
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(ID)}

    assert subjects & curated_subjects == set()
    assert linked - typed - curated_typed == set()
    assert f"{ID}org/hrc" in linked and any(iri.startswith(f"{ID}country/") for iri in linked & curated_typed)
    # plainly synthetic: every resource is under a session numbered 901 and up, or says "synthetic" in its IRI
    assert all(re.search(r"/(hrc|A-HRC|A-HRC-RES)-(9\d\d|[1-9]\d{3,})\b|/synthetic-", s) for s in subjects)
    labels = [t for t in triples if t.predicate.value == str(RDFS.label)]
    assert labels and all("synthetic" in t.object.value.lower() for t in labels if t.object.language == "en")
    assert all("合成" in t.object.value for t in labels if t.object.language == "zh")
    texts = [t.object.value for t in triples if t.predicate.value == str(HRC.text)]
    assert texts and all(text.startswith("【合成数据】") for text in texts)
    symbols = [t.object.value for t in triples if t.predicate.value == str(HRC.symbol)]
    assert symbols and all(re.fullmatch(r"A/HRC/(RES/)?(9\d\d|[1-9]\d{3,})/(L\.)?\d+", s) for s in symbols)


def test_contribution_is_one_new_draft_that_links_only_to_curated_resources(curated):
    text = synthetic.contribution(7)
    assert text == synthetic.contribution(7) != synthetic.contribution(8)
    graph = Graph().parse(data=text, format="turtle")
    assert 180 <= len(graph) <= 220
    assert len(set(graph.subjects(RDF.type, HRC.DraftResolution))) == 1
    assert {str(o).rsplit("#", 1)[-1] for o in graph.objects(None, RDF.type)} <= {
        "DraftResolution", "Paragraph", "SponsorList", "Footnote", "PreambularParagraph", "OperativeParagraph",
        "Sponsorship", "Citation"}
    curated_typed = set(curated.subjects(RDF.type, None))
    assert set(graph.subjects()) & set(curated.subjects()) == set()
    linked = {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(ID)}
    assert linked - set(graph.subjects(RDF.type, None)) - curated_typed == set()
    assert set(graph.objects(None, HRC.sponsor)) <= set(curated.subjects(RDF.type, HRC.State))
    assert len(set(graph.objects(None, HRC.sponsor))) > 3
    assert set(graph.objects(None, HRC.session)) <= set(curated.subjects(RDF.type, HRC.Session))
    assert len(set(graph.subjects(RDF.type, HRC.OperativeParagraph))) > 1


def test_a_sample_and_the_contribution_conform_merged_with_the_curated_graph(tmp_path, curated):
    path = tmp_path / "sample.nt"
    synthetic.write(path, 5_000, seed=1)
    sample = Graph().parse(path, format="nt")
    # the sample covers every kind of resource, and links made from one session to an earlier one
    kinds = {str(o).rsplit("#", 1)[-1] for o in sample.objects(None, RDF.type)}
    assert kinds >= {"Session", "AgendaItem", "Report", "DraftResolution", "Resolution", "SponsorList",
                     "Sponsorship", "PreambularParagraph", "OperativeParagraph", "ReportParagraph", "Footnote",
                     "Section", "Citation", "Recommendation", "FollowUp", "TechnicalCooperationActivity",
                     "Programme", "QuantitativeResult"}
    assert set(sample.objects(None, HRC.requestedBy)) and set(sample.objects(None, HRC.basedOn))
    assert {False, True} == {o.toPython() for o in sample.objects(None, HRC.councilMember)}
    contribution = Graph().parse(data=synthetic.contribution(1), format="turtle")

    report = validation.validate(sample + contribution, with_graph=True)

    assert report.conforms
    curated_subjects = set(curated.subjects())
    # not even a warning about a synthetic resource (the curated graph's own warnings remain)
    assert [r for r in report.results if r.focus_node not in curated_subjects] == []
