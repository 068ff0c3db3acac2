"""The SHACL shapes: well-formed (SHACL-SHACL), complete for the ontology, documented in both
languages, and each broken contribution in tests/data/invalid fails on exactly its named shape."""

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from hrckg import graph, identifiers, validation

HRCSH = validation.HRCSH
HRC = Namespace(identifiers.ONTOLOGY)
ID = Namespace(identifiers.ID)
PROV = Namespace("http://www.w3.org/ns/prov#")
INVALID = Path(__file__).parent / "data" / "invalid"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return graph.shapes_graph()


def test_shapes_conform_to_shacl_shacl(shapes):
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def _named_shapes(shapes):
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    return sorted({s for kind in kinds for s in shapes.subjects(RDF.type, kind)})


def test_shapes_are_named_in_the_shapes_namespace(shapes):
    assert all(isinstance(s, URIRef) and s.startswith(HRCSH) for s in _named_shapes(shapes))
    referenced = set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    assert all(isinstance(s, URIRef) and s.startswith(HRCSH) for s in referenced)
    # every shape with a target is named too
    for target in (SH.targetClass, SH.targetSubjectsOf, SH.target):
        assert all(isinstance(s, URIRef) for s in shapes.subjects(target, None))


def _langs(shapes, node, predicate):
    return sorted(o.language for o in shapes.objects(node, predicate) if isinstance(o, Literal))


def test_every_shape_and_constraint_has_a_message_in_english_and_chinese(shapes):
    missing = [s for s in _named_shapes(shapes) if _langs(shapes, s, SH.message) != ["en", "zh"]]
    assert missing == []


def test_property_shapes_have_a_name_and_description_in_both_languages(shapes):
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert _langs(shapes, shape, SH.name) == ["en", "zh"], shape
        assert _langs(shapes, shape, SH.description) == ["en", "zh"], shape


def test_severity_is_explicit_on_every_targeted_or_property_shape(shapes):
    targeted = {s for t in (SH.targetClass, SH.targetSubjectsOf, SH.target) for s in shapes.subjects(t, None)}
    for shape in targeted | set(shapes.objects(None, SH.property)):
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape


def test_every_class_with_instances_has_its_own_node_shape(shapes, ontology, curated):
    declared = set(ontology.subjects(RDF.type, OWL.Class))
    used = {c for c in curated.objects(None, RDF.type) if c in declared}
    own = {c for s in shapes.subjects(RDF.type, SH.NodeShape)
           if len(targets := list(shapes.objects(s, SH.targetClass))) == 1 for c in targets}
    assert sorted(used - own) == []


def test_every_ontology_property_is_the_path_of_a_shape(shapes, ontology):
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in ontology.subjects(RDF.type, kind) if p.startswith(HRC)}
    paths = set(shapes.objects(None, SH.path))
    paths |= {shapes.value(p, SH.inversePath) for p in paths}
    assert sorted(properties - paths) == []


SYMBOLS_OK = ["A/HRC/35/20", "A/HRC/RES/33/28", "A/RES/60/251", "S/RES/1325 (2000)", "A/CONF.157/23",
              "E/CN.4/1998/53/Add.2", "A/HRC/51/L.14", "A/HRC/WG.6/1/BHR/1", "A/HRC/35/20/Corr.1", "S/2004/616"]
SYMBOLS_BAD = ["HRC/RES/33/28", "A-HRC-35-20", "a/hrc/35/20", "A/HRC/35/20 ", " A/HRC/35/20", "A/HRC/",
               "S/RES/1325(2000)", "A/HRC/RES/33/28.", "CCPR/C/GC/34", "33/28", ""]


@pytest.fixture(scope="module")
def symbol_pattern(shapes):
    return re.compile(str(shapes.value(HRCSH["Document-symbol"], SH.pattern)))


@pytest.mark.parametrize("symbol", SYMBOLS_OK)
def test_symbol_pattern_accepts_un_symbols(symbol_pattern, symbol):
    assert symbol_pattern.search(symbol)
    assert identifiers.SYMBOL_PATTERN.search(symbol), "shapes and identifiers.py disagree"


@pytest.mark.parametrize("symbol", SYMBOLS_BAD)
def test_symbol_pattern_rejects_malformed_symbols(symbol_pattern, symbol):
    assert not symbol_pattern.search(symbol)


# Each broken contribution and the violations it must produce: (source shape, path, focus node).
# The expectations are written here, not read from the files' header comments.
PARA_1 = ID["doc/A-HRC-99-1/para/1"]
EXPECTED = {
    "missing-chinese-label.ttl": {("CuratedResource-labelZh", RDFS.label, ID["org/example-ngo"])},
    "bad-symbol.ttl": {("Document-symbol", HRC.symbol, ID["doc/HRC-RES-99-1"])},
    "sponsor-not-a-state.ttl": {("Sponsorship-sponsor", HRC.sponsor, ID["doc/A-HRC-99-L.1/sponsorship/test-office"])},
    "dangling-citation.ttl": {
        ("NoDanglingLinkShape", HRC.citedDocument, ID["doc/A-HRC-99-1/para/1/cites/A-HRC-98-98"]),
        ("Citation-citedDocument", HRC.citedDocument, ID["doc/A-HRC-99-1/para/1/cites/A-HRC-98-98"]),
    },
    "paragraph-number-string.ttl": {("Paragraph-paragraphNumber", HRC.paragraphNumber, ID["doc/A-HRC-99-1/para/2"])},
    "paragraph-without-chinese-text.ttl": {("Paragraph-text", HRC.text, ID["doc/A-HRC-99-1/para/2"])},
    "duplicate-paragraph-number.ttl": {
        ("UniqueParagraphNumberShape", HRC.paragraphNumber, ID["doc/A-HRC-99-1/para/2"]),
        ("UniqueParagraphNumberShape", HRC.paragraphNumber, ID["doc/A-HRC-99-1/para/3"]),
    },
    "session-date-string.ttl": {("Range-startDate", HRC.startDate, ID["session/hrc-99"])},
    "session-end-before-start.ttl": {("Session-dateOrder", HRC.startDate, ID["session/hrc-99"])},
    "date-after-session.ttl": {("DateWithinSessionShape", HRC.date, ID["doc/A-HRC-RES-99-2"])},
    "state-bad-iso-code.ttl": {("State-isoAlpha2", HRC.isoAlpha2, ID["country/BTN"])},
    "state-iri-not-iso-code.ttl": {("StateIRIShape", HRC.isoAlpha3, ID["country/bhutan"])},
    "activity-years-reversed.ttl": {("YearOrderShape", HRC.startYear, ID["activity/test-training-of-judges"])},
    "activity-without-provenance.ttl": {
        ("CuratedResource-derivedFrom", PROV.wasDerivedFrom, ID["activity/test-training-of-judges"])},
    "citation-without-cited-document.ttl": {
        ("Citation-citedDocument", HRC.citedDocument, ID["doc/A-HRC-99-1/para/1/cites/unknown"])},
    "document-iri-not-from-symbol.ttl": {("DocumentIRIShape", HRC.symbol, ID["doc/hrc-resolution-99-2"])},
    "undeclared-property.ttl": {("DeclaredTermShape", HRC.sesion, ID["doc/A-HRC-99-1"])},
    "undeclared-class.ttl": {("DeclaredTermShape", RDF.type, ID["doc/A-HRC-99-2"])},
}


def test_every_invalid_file_has_an_expectation():
    assert sorted(p.name for p in INVALID.glob("*.ttl")) == sorted([*EXPECTED, "malformed-turtle.ttl"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_file_fails_on_its_named_shape(name):
    report = validation.validate(graph.load([INVALID / name]))
    violations = {(r.source_shape.removeprefix(HRCSH), r.path, r.focus_node)
                  for r in report.results if r.severity == "Violation"}
    assert not report.conforms
    assert violations == EXPECTED[name]
    for result in report.results:
        assert result.message_en and re.search(r"[\u4e00-\u9fff]", result.message_zh), result


def test_missing_label_message_names_the_language():
    report = validation.validate(graph.load([INVALID / "missing-chinese-label.ttl"]))
    [result] = report.results
    assert "Chinese" in result.message_en and "中文" in result.message_zh
    assert result.shape == HRCSH.CuratedResourceShape


def test_warnings_are_reported_but_do_not_fail():
    data = graph.load([INVALID / "bad-symbol.ttl"])
    data.remove((ID["doc/HRC-RES-99-1"], None, None))  # keep the valid context: report and paragraph
    data.remove((ID["doc/A-HRC-99-1"], HRC.date, None))
    report = validation.validate(data)
    assert report.conforms
    assert [(r.severity, r.source_shape, r.focus_node) for r in report.results] == [
        ("Warning", HRCSH["Document-dateGiven"], ID["doc/A-HRC-99-1"])]
