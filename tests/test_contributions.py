"""Contributions as a library (hrckg.contributions): a file is read, validated merged with the
curated graph (only what it adds or touches), its diff computed, and ingested whole or not at all.

Every contribution here is fictional test data, plainly marked: the report A/HRC/99/1, the years
2097-2099 and labels ending in "(test)" describe nothing real."""

import gc
import http.server
import os
import re
import threading
import urllib.request
from datetime import datetime, timezone

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from test_validate_cli import VALID

from hrckg import contributions, hints, validation
from hrckg.contributions import AlreadyIngested, ContributionError, NotConforming
from hrckg.identifiers import BASE, ID
from hrckg.store import DiskStore, curated_store, load_sources, select

HRC = "https://w3id.org/hrckg/ontology#"
HRCSH = str(validation.HRCSH)
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
REPORT, PARA, ACTIVITY = ID + "doc/A-HRC-99-1", ID + "doc/A-HRC-99-1/para/1", ID + "activity/test-training"
KHM = ID + "country/KHM"
NOW = datetime(2099, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # when the tests "ingest"

HEAD = """@base <https://w3id.org/hrckg/id/> .
@prefix hrc:  <https://w3id.org/hrckg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix th:   <https://w3id.org/hrckg/vocab/theme/> .
"""
# A fictional report and its paragraph: the context every contribution below builds on.
CONTEXT = HEAD + """
<doc/A-HRC-99-1> a hrc:Report ;
    rdfs:label "Report A/HRC/99/1 (test)"@en , "报告 A/HRC/99/1(测试)"@zh ;
    hrc:symbol "A/HRC/99/1" ;
    hrc:date "2099-01-15"^^xsd:date ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .

<doc/A-HRC-99-1/para/1> a hrc:ReportParagraph ;
    rdfs:label "A/HRC/99/1, para. 1"@en , "A/HRC/99/1 第1段"@zh ;
    hrc:partOf <doc/A-HRC-99-1> ;
    hrc:paragraphNumber "1"^^xsd:positiveInteger ;
    hrc:text "测试办事处协助柬埔寨培训法官(测试)。"@zh ;
    hrc:mentions <country/KHM> .
"""
ACTIVITY_TTL = """
<activity/test-training> a hrc:TechnicalCooperationActivity ;
    rdfs:label "Training of judges (test)"@en , "法官培训(测试)"@zh ;
    hrc:implementedBy <org/ohchr> ;
    hrc:beneficiary <country/{code}> ;
    hrc:country <country/{code}> ;
    hrc:theme th:administration-of-justice ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .
"""
# Links to existing resources, touches Cambodia (one more source paragraph) and repeats two of
# Cambodia's triples that the graph already has.
LINKED = CONTEXT + ACTIVITY_TTL.format(code="KHM") + """
<country/KHM> a hrc:State ; rdfs:label "Cambodia"@en ; prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The curated graph, shared by the tests that only read it."""
    return curated_store()


@pytest.fixture()
def fresh() -> ox.Store:
    """A curated graph of its own, for a test that ingests or changes it."""
    return curated_store()


def parse(text: str | bytes, name: str = "contribution.ttl", media_type: str | None = None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return contributions.parse(data, name, media_type)


def snapshot(store: ox.Store) -> list[tuple[str, str, str, str]]:
    """Every quad of the store, sorted: equal snapshots mean an unchanged store."""
    return sorted((str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store)


def as_stored(quads) -> set[ox.Quad]:
    """Quads as a store gives them back (it writes literals in their canonical form)."""
    scratch = ox.Store()
    scratch.extend(quads)
    return set(scratch)


def triple(s: str, p: str, o) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if isinstance(o, ox.Literal) else ox.NamedNode(o))


def summary(outcome) -> list[tuple[str, str, str | None, str | None]]:
    """(source shape, focus node, path, value) of each result, shapes by their local name."""
    return [(str(r.source_shape).removeprefix(HRCSH), str(r.focus_node), None if r.path is None else str(r.path),
             None if r.value is None else str(r.value)) for r in outcome.report.results]


def rule_results(outcome) -> list[tuple[str, str, str | None, str | None]]:
    return [row for row in summary(outcome) if row[0].startswith("Contribution")]


# ---------------------------------------------------------------------------------------------
# A valid contribution and what it would change


def test_valid_contribution_conforms_with_no_results(store):
    outcome = contributions.check(store, parse(VALID, "valid.ttl"))
    assert outcome.report.conforms
    assert outcome.report.results == []
    assert outcome.focus == 6  # its six resources, all new


def test_diff_lists_new_resources_touched_links_and_triples_already_present(store):
    contribution = parse(LINKED)
    outcome = contributions.check(store, contribution)
    assert outcome.report.conforms and outcome.report.results == []
    diff = outcome.diff
    assert {iri: len(triples) for iri, triples in diff.new.items()} == {REPORT: 6, PARA: 7, ACTIVITY: 8}
    assert diff.touched == {KHM: [triple(KHM, PROV + "wasDerivedFrom", PARA)]}
    # existing resources the new triples point to: Cambodia by hrc:mentions, beneficiary and country
    assert diff.linked == {KHM: 3, ID + "org/ohchr": 1}
    present = {triple(KHM, str(RDF.type), HRC + "State"),
               triple(KHM, str(RDFS.label), ox.Literal("Cambodia", language="en"))}
    assert diff.present == 2
    assert len(diff.added) == 22 and set(diff.added) == set(contribution.triples) - present
    as_json = contributions.diff_json(contribution, diff)
    assert (as_json["added"], as_json["alreadyPresent"], as_json["contribution"]["triples"]) == (22, 2, 24)
    assert [item["resource"] for item in as_json["new"]] == sorted([ACTIVITY, REPORT, PARA])
    assert as_json["linked"] == [{"resource": KHM, "links": 3}, {"resource": ID + "org/ohchr", "links": 1}]


# ---------------------------------------------------------------------------------------------
# Validation merged with the graph, with hints


def test_link_to_an_existing_state_resolves(store):
    outcome = contributions.check(store, parse(CONTEXT + ACTIVITY_TTL.format(code="KHM")))
    assert outcome.report.conforms
    assert not [r for r in outcome.report.results if str(r.source_shape).endswith("NoDanglingLinkShape")]


@pytest.mark.parametrize("code, hint", [
    # not an ISO code: the closest codes of the graph's States
    pytest.param("KHN", "KHN is not an ISO 3166-1 alpha-3 code of a State in the graph; "
                        "the closest known codes are KHM (Cambodia), ", id="not-iso"),
    # a real ISO code of a State the graph does not have yet: which country it is
    pytest.param("BTN", "BTN is the ISO code of Bhutan, which is not in the graph yet: add it as an hrc:State",
                 id="iso-not-in-graph"),
    # an alpha-2 code: the alpha-3 IRI
    pytest.param("KH", f"State IRIs use the ISO 3166-1 alpha-3 code: KH is Cambodia, whose IRI is <{KHM}>.",
                 id="alpha-2"),
])
def test_link_to_a_missing_state_dangles_with_a_hint(store, code, hint):
    state = ID + f"country/{code}"
    assert not list(store.quads_for_pattern(ox.NamedNode(state), None, None, None))  # not in the graph
    outcome = contributions.check(store, parse(CONTEXT + ACTIVITY_TTL.format(code=code)))
    assert not outcome.report.conforms
    dangling = [r for r in outcome.report.results if str(r.source_shape) == HRCSH + "NoDanglingLinkShape"]
    assert [(str(r.focus_node), str(r.path), str(r.value)) for r in dangling] == [
        (ACTIVITY, HRC + "beneficiary", state), (ACTIVITY, HRC + "country", state)]
    for result in dangling:
        assert result.hint_en.startswith(hint), result.hint_en
        assert result.hint_zh and code in result.hint_zh
    if code == "KHN":
        assert "KHM (Cambodia)" in dangling[0].hint_zh


def test_lower_case_code_of_a_state_in_the_graph_points_to_its_iri(store):
    hint_en, _ = hints.state_hint(store, "khm")
    assert "not in the graph" not in hint_en
    assert f"<{KHM}>" in hint_en


def test_missing_chinese_label_fails_with_a_hint(store):
    text = CONTEXT.replace(' , "报告 A/HRC/99/1(测试)"@zh', "")
    outcome = contributions.check(store, parse(text))
    assert summary(outcome) == [("CuratedResource-labelZh", REPORT, str(RDFS.label), None)]
    hint = outcome.report.results[0].hint_en
    assert hint.startswith('Add rdfs:label "…"@zh with the name as the Chinese text of the source writes it')
    assert outcome.report.results[0].hint_zh.startswith("请添加 rdfs:label")


def test_malformed_symbol_fails_with_an_existing_symbol_as_example(store):
    # the IRI follows the malformed symbol, so that only the symbol is wrong
    text = CONTEXT + """
<doc/HRC-RES-99-1> a hrc:Resolution ;
    rdfs:label "Human Rights Council resolution 99/1 (test)"@en , "人权理事会第 99/1 号决议(测试)"@zh ;
    hrc:symbol "HRC/RES/99/1" ;
    hrc:date "2099-01-10"^^xsd:date ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .
"""
    outcome = contributions.check(store, parse(text))
    assert summary(outcome) == [("Document-symbol", ID + "doc/HRC-RES-99-1", HRC + "symbol", "HRC/RES/99/1")]
    example = re.search(r"e\.g\. (.+) \(the closest symbol in the graph\)", outcome.report.results[0].hint_en).group(1)
    symbols = select(store, f"SELECT ?symbol WHERE {{ ?document <{HRC}symbol> ?symbol }}")
    assert example in {row["symbol"].value for row in symbols}
    assert example.startswith("A/HRC/RES/")


# ---------------------------------------------------------------------------------------------
# Only what the contribution adds or touches is validated


BROKEN = ID + "org/broken-test-organisation"


def _with_a_broken_resource(store: ox.Store) -> None:
    """An existing resource that does not conform (no Chinese label), as if curated by mistake."""
    graph = ox.NamedNode(BASE + "graph/test/broken")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in [
        triple(BROKEN, str(RDF.type), HRC + "CivilSocietyOrganisation"),
        triple(BROKEN, str(RDFS.label), ox.Literal("Broken organisation (test)", language="en")),
        triple(BROKEN, PROV + "wasDerivedFrom", ID + "doc/A-HRC-35-20/para/12"),
    ])


def test_existing_resources_the_contribution_does_not_touch_are_not_validated(fresh):
    _with_a_broken_resource(fresh)
    outcome = contributions.check(fresh, parse(VALID))
    assert outcome.report.conforms and outcome.report.results == []
    assert outcome.focus == 6
    # once the contribution touches it, it is validated and its old fault is reported
    touching = contributions.check(fresh, parse(CONTEXT + f"<{BROKEN}> prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> ."))
    assert summary(touching) == [("CuratedResource-labelZh", BROKEN, str(RDFS.label), None)]
    assert touching.focus == 3


def test_focus_counts_resources_reached_backwards_by_the_shapes(store):
    """A new activity that is part of an existing programme: the programme is validated too (its
    shape follows hrc:partOfProgramme backwards), although the contribution does not describe it."""
    text = (CONTEXT + ACTIVITY_TTL.format(code="KHM")
            + "<activity/test-training> hrc:partOfProgramme <activity/maya-programme> .")
    outcome = contributions.check(store, parse(text))
    assert outcome.report.conforms
    assert outcome.focus == 4  # report, paragraph, activity, and the programme
    assert outcome.diff.linked[ID + "activity/maya-programme"] == 1


# ---------------------------------------------------------------------------------------------
# Input that cannot be read: the error says what and where


TURTLE_HEAD = b"@prefix hrc: <https://w3id.org/hrckg/ontology#> .\n"
# The statement on line 3 lacks its final dot: the parser notices at line 4, column 1.
MALFORMED = (TURTLE_HEAD + b'<doc/A-HRC-99-1> a hrc:Report ;\n    hrc:symbol "A/HRC/99/1"\n'
             b"<doc/A-HRC-99-2> a hrc:Report .\n")


@pytest.mark.parametrize("data, name, media_type, status, line, column, message", [
    pytest.param(MALFORMED, "c.ttl", None, 400, 4, 1, "bad syntax: A dot is expected at the end of statements",
                 id="malformed-turtle"),
    pytest.param(TURTLE_HEAD + '<doc/x> hrc:text "测试" ; ;; hrc:symbol "A" . <a> ]\n'.encode(), "c.ttl", None,
                 400, 2, 49, "bad syntax: ] is not a valid predicate", id="syntax-error-column-in-characters"),
    pytest.param(b"<https://w3id.org/hrckg/id/doc/a b> <http://example.org/p> <http://example.org/o> .\n",
                 "c.nt", None, 400, 1, 1, "bad syntax: Invalid IRI code point ' '", id="iri-with-a-space"),
    pytest.param(b"", "c.ttl", None, 400, None, None, "c.ttl is empty: a contribution needs at least one triple",
                 id="empty"),
    pytest.param(b" \n\t\n", "c.ttl", None, 400, None, None, "c.ttl is empty: a contribution needs at least one triple",
                 id="blank"),
    pytest.param(TURTLE_HEAD + b"# only a comment (test)\n@prefix id: <https://w3id.org/hrckg/id/> .\n", "c.ttl", None,
                 400, None, None, "c.ttl holds no triples (only prefixes or comments?)", id="only-prefixes"),
    pytest.param(TURTLE_HEAD + b'<doc/x> hrc:symbol "Caf\xe9 (test)" .\n', "c.ttl", None, 400, 2, 24,
                 "not UTF-8: byte 0xE9 (invalid continuation byte); save the file as UTF-8", id="latin-1"),
    pytest.param(TURTLE_HEAD + b'<doc/x> hrc:symbol "A" .\n', "c.ttl", "text/plain", 415, None, None,
                 "unsupported media type 'text/plain'; send one of text/turtle, application/x-turtle, "
                 "application/trig, application/n-triples, application/ld+json", id="unsupported-type"),
    pytest.param(TURTLE_HEAD + b'<doc/x> hrc:symbol "A" .\n', "c.rdf", "application/rdf+xml", 415, None, None,
                 "unsupported media type 'application/rdf+xml'; send one of text/turtle, application/x-turtle, "
                 "application/trig, application/n-triples, application/ld+json", id="rdf-xml"),
    pytest.param(TURTLE_HEAD + b'<doc/x> hrc:symbol "A" .\n', "notes.txt", None, 415, None, None,
                 "cannot tell the format of 'notes.txt': use one of .ttl, .trig, .nt, .jsonld or give the media type",
                 id="unknown-extension"),
    pytest.param(TURTLE_HEAD + b'<doc/x> hrc:symbol "A" .\n', "c.ttl", "text/turtle; charset=ISO-8859-1",
                 415, None, None, "charset 'ISO-8859-1' is not supported: send UTF-8", id="charset-latin-1"),
    pytest.param(b"<< <http://a.example/s> <http://a.example/p> <http://a.example/o> >> <http://a.example/q> "
                 b"<http://a.example/r> .", "c.ttl", None, 400, None, None,
                 "quoted triples (RDF-star) are not supported in contributions", id="rdf-star"),
])
def test_unreadable_input_is_refused_with_what_and_where(data, name, media_type, status, line, column, message):
    with pytest.raises(ContributionError) as refused:
        contributions.parse(data, name, media_type)
    err = refused.value
    assert (err.status, err.line, err.column, err.message) == (status, line, column, message)
    assert str(err) == (f"line {line}, column {column}: {message}" if line else message)


def test_wrong_encoding_column_counts_characters_like_syntax_errors():
    data = TURTLE_HEAD + '<doc/x> hrc:text "中文" ; hrc:symbol "Caf'.encode() + b'\xe9" .\n'
    with pytest.raises(ContributionError) as refused:
        contributions.parse(data, "c.ttl")
    assert (refused.value.line, refused.value.column) == (2, 40)  # é is the 40th character of line 2


def test_utf8_charset_and_byte_order_mark_are_accepted():
    body = TURTLE_HEAD + b'<doc/x> hrc:symbol "A" .\n'
    for media_type in ("text/turtle; charset=utf-8", 'text/turtle; charset="UTF-8"', "application/x-turtle"):
        assert len(parse(body, media_type=media_type).triples) == 1
    assert parse(b"\xef\xbb\xbf" + body).triples == parse(body).triples


def test_file_over_the_limit_is_refused_with_413_before_it_is_read():
    with pytest.raises(ContributionError) as refused:
        contributions.parse(TURTLE_HEAD, "small.ttl", max_bytes=20)
    assert (refused.value.status, refused.value.message) == (
        413, f"small.ttl is {len(TURTLE_HEAD)} bytes; a contribution may have at most 20")
    huge = b"#" * contributions.MAX_BYTES + b"\n"  # the default limit: 8 MiB
    with pytest.raises(ContributionError) as refused:
        contributions.parse(huge, "huge.ttl")
    assert refused.value.status == 413
    assert refused.value.message == (f"huge.ttl is {len(huge):,} bytes; "
                                     f"a contribution may have at most {contributions.MAX_BYTES:,}")


# ---------------------------------------------------------------------------------------------
# Other formats


def _serialised(fmt: ox.RdfFormat) -> bytes:
    triples = parse(VALID).triples
    if fmt is ox.RdfFormat.TRIG:  # in a named graph, which a contribution does not keep
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ID + "doc/A-HRC-99-1/graph"))
                             for t in triples], format=fmt)
    return ox.serialize(triples, format=fmt)


@pytest.mark.parametrize("fmt, name, media_type", [
    (ox.RdfFormat.N_TRIPLES, "valid.nt", None), (ox.RdfFormat.N_TRIPLES, "body", "application/n-triples"),
    (ox.RdfFormat.TRIG, "valid.trig", None), (ox.RdfFormat.TRIG, "body", "application/trig"),
    (ox.RdfFormat.JSON_LD, "valid.jsonld", None), (ox.RdfFormat.JSON_LD, "body", "application/ld+json"),
])
def test_n_triples_trig_and_json_ld_contributions_parse(fmt, name, media_type):
    contribution = parse(_serialised(fmt), name, media_type)
    assert contribution.format == fmt
    assert set(contribution.triples) == set(parse(VALID).triples)


def test_json_ld_relative_iris_resolve_against_our_id_namespace():
    contribution = parse(b'{"@context": {"hrc": "https://w3id.org/hrckg/ontology#"}, "@id": "doc/A-HRC-99-1", '
                         b'"hrc:symbol": "A/HRC/99/1"}', "c.jsonld")
    assert contribution.triples == (triple(REPORT, HRC + "symbol", ox.Literal("A/HRC/99/1")),)


def test_json_ld_with_a_remote_context_is_refused_and_nothing_is_fetched():
    requests = []

    class Context(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'{"@context": {"name": "http://www.w3.org/2000/01/rdf-schema#label"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        context = f"http://127.0.0.1:{server.server_port}/context.jsonld"
        data = f'{{"@context": "{context}", "@id": "doc/A-HRC-99-1", "name": "Report (test)"}}'.encode()
        with pytest.raises(ContributionError) as refused:
            contributions.parse(data, "remote.jsonld")
        assert refused.value.status == 400
        assert refused.value.message == "a remote JSON-LD @context is never fetched: put the context inline in the document"
        assert requests == []
        with urllib.request.urlopen(context) as answer:  # the context was there to be fetched
            assert answer.status == 200
        assert requests == ["/context.jsonld"]
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------
# Rules about the contribution as a file: refused by check, and ingest leaves the store as it was


@pytest.mark.parametrize("text, expected", [
    pytest.param(CONTEXT + "<country/KHM> a hrc:Organisation .",
                 [("ContributionNoRedefinition", KHM, str(RDF.type), HRC + "Organisation")], id="new-type"),
    pytest.param(CONTEXT + '<country/KHM> rdfs:label "Cambodia (test)"@en .',
                 [("ContributionNoRedefinition", KHM, str(RDFS.label), "Cambodia (test)")], id="second-english-label"),
    pytest.param(HEAD + '[] rdfs:label "Nameless (test)"@en .', "blank", id="blank-node-only"),
    pytest.param(CONTEXT + "<foo/bar> a hrc:Report .",
                 [("ContributionIRIPattern", ID + "foo/bar", None, ID + "foo/bar")], id="unknown-kind"),
    pytest.param(CONTEXT + '<doc//x> rdfs:label "Empty segment (test)"@en .',
                 [("ContributionIRIPattern", ID + "doc//x", None, ID + "doc//x")], id="empty-segment"),
    pytest.param(CONTEXT + "<doc/A-HRC-99-1/para/1> hrc:mentions <doc//y> .",
                 [("ContributionIRIPattern", ID + "doc//y", None, ID + "doc//y")], id="empty-segment-as-object"),
    pytest.param(CONTEXT + "hrc:TestClass a <http://www.w3.org/2002/07/owl#Class> .",
                 [("ContributionOwnNamespace", HRC + "TestClass", str(RDF.type), None)], id="ontology-subject"),
    pytest.param(CONTEXT + '<https://w3id.org/hrckg/vocab/theme/test-theme> rdfs:label "Theme (test)"@en .',
                 [("ContributionOwnNamespace", BASE + "vocab/theme/test-theme", str(RDFS.label), None)],
                 id="vocab-subject"),
])
def test_contribution_rules_refuse_and_ingest_changes_nothing(fresh, text, expected):
    before = snapshot(fresh)
    with pytest.raises(NotConforming) as refused:
        contributions.ingest(fresh, parse(text))
    outcome = refused.value.outcome
    assert not outcome.report.conforms
    if expected == "blank":
        assert outcome.focus == 0
        assert {row[0] for row in summary(outcome)} == {"ContributionNoBlankNodes"}
        assert [r.path for r in outcome.report.results] == [RDFS.label]
    else:
        assert rule_results(outcome) == expected
    assert snapshot(fresh) == before
    graph = outcome.report.graph  # the rules' results are in the sh:ValidationReport too
    sources = {str(s) for s in graph.objects(None, SH.sourceShape)}
    assert {HRCSH + row[0] for row in summary(outcome) if row[0].startswith("Contribution")} <= sources


def test_redefinition_message_names_the_existing_value(store):
    outcome = contributions.check(store, parse(CONTEXT + '<country/KHM> rdfs:label "Cambodia (test)"@en .'))
    rule = next(r for r in outcome.report.results if str(r.source_shape).endswith("ContributionNoRedefinition"))
    assert rule.message_en.startswith(f'<{KHM}> already has rdfs:label "Cambodia"@en; ')
    assert rule.severity == "Violation" and rule.message_zh


SCRIPT = "<script>alert(1)</script>"
INJECTION = "} ; DROP ALL ; INSERT DATA {"


def test_sparql_and_html_in_literals_are_stored_as_exact_literals(fresh):
    label = f"Training (test) {INJECTION} {SCRIPT}"
    text = CONTEXT + ACTIVITY_TTL.format(code="KHM").replace("Training of judges (test)", label)
    before = set(fresh)
    ingested = contributions.ingest(fresh, parse(text), now=NOW)
    query = f"SELECT ?activity ?label WHERE {{ ?activity <{RDFS.label}> ?label FILTER (LANG(?label) = 'en') }}"
    rows = select(fresh, query, activity=ox.NamedNode(ACTIVITY))
    assert [row["label"] for row in rows] == [ox.Literal(label, language="en")]
    after = set(fresh)
    assert before <= after  # nothing dropped
    assert {q.graph_name for q in after - before} == {ox.NamedNode(ingested.graph_iri)}  # nothing added elsewhere
    assert len(after - before) == ingested.added + 7  # with the provenance


# ---------------------------------------------------------------------------------------------
# Ingest


def _provenance(contribution, added: int) -> set[ox.Quad]:
    graph = ox.NamedNode(contribution.graph_iri)
    facts = [
        (str(RDF.type), ox.NamedNode(HRC + "Contribution")),
        (str(RDFS.label), ox.Literal("Contribution linked.ttl", language="en")),
        (str(RDFS.label), ox.Literal("贡献数据 linked.ttl", language="zh")),
        (HRC + "fileName", ox.Literal("linked.ttl")),
        (HRC + "sha256", ox.Literal(contribution.sha256)),
        (PROV + "generatedAtTime", ox.Literal("2099-01-02T03:04:05Z", datatype=ox.NamedNode(XSD + "dateTime"))),
        ("http://rdfs.org/ns/void#triples", ox.Literal(str(added), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    return as_stored(ox.Quad(graph, ox.NamedNode(p), o, graph) for p, o in facts)


def test_ingest_adds_the_diff_and_its_provenance_in_its_own_graph(fresh):
    contribution = parse(LINKED, "linked.ttl")
    assert contribution.graph_iri == BASE + "graph/contribution/" + contribution.sha256[:16]
    before = set(fresh)
    ingested = contributions.ingest(fresh, contribution, now=NOW)
    graph = ox.NamedNode(contribution.graph_iri)
    assert (ingested.graph_iri, ingested.added) == (contribution.graph_iri, 22)
    expected = as_stored(ox.Quad(t.subject, t.predicate, t.object, graph) for t in ingested.outcome.diff.added)
    assert set(fresh) - before == expected | _provenance(contribution, 22)
    assert before <= set(fresh)
    listed = contributions.ingested(fresh)
    assert [{key: value.value for key, value in row.items()} for row in listed] == [{
        "graph": contribution.graph_iri, "name": "linked.ttl", "when": "2099-01-02T03:04:05Z",
        "sha256": contribution.sha256, "triples": "22"}]


def test_ingested_provenance_conforms_to_the_contribution_shape(fresh):
    contribution = parse(LINKED, "linked.ttl")
    contributions.ingest(fresh, contribution, now=NOW)
    provenance = Graph()
    for quad in fresh.quads_for_pattern(ox.NamedNode(contribution.graph_iri), None, None, None):
        provenance.add(tuple(contributions.to_rdflib(term) for term in (quad.subject, quad.predicate, quad.object)))
    report = validation.validate(provenance)
    assert report.conforms and report.results == []
    # the shape does apply: without its checksum the same provenance fails on it
    provenance.remove((None, URIRef(HRC + "sha256"), None))
    broken = validation.validate(provenance)
    assert [(str(r.source_shape), str(r.focus_node)) for r in broken.results] == [
        (HRCSH + "Contribution-sha256", contribution.graph_iri)]


def test_same_file_again_is_already_ingested_and_changes_nothing(fresh):
    contribution = parse(LINKED, "linked.ttl")
    contributions.ingest(fresh, contribution, now=NOW)
    before = snapshot(fresh)
    with pytest.raises(AlreadyIngested) as refused:
        contributions.ingest(fresh, parse(LINKED, "renamed.ttl"))  # same content, another name
    assert refused.value.status == 409
    assert refused.value.message == (f"this file (same SHA-256) was already ingested, as the named graph "
                                     f"<{contribution.graph_iri}>")
    assert snapshot(fresh) == before


def test_non_conforming_contribution_is_not_ingested(fresh):
    before = snapshot(fresh)
    with pytest.raises(NotConforming) as refused:
        contributions.ingest(fresh, parse(CONTEXT + ACTIVITY_TTL.format(code="KHN"), "dangling.ttl"))
    assert str(refused.value) == "dangling.ttl does not conform (4 violation(s)); nothing was applied"
    assert snapshot(fresh) == before
    assert contributions.ingested(fresh) == []


def test_contribution_already_in_the_graph_adds_nothing_and_changes_nothing(fresh):
    contribution = parse(HEAD + '<country/KHM> a hrc:State ; rdfs:label "Cambodia"@en .')
    outcome = contributions.check(fresh, contribution)
    assert outcome.report.conforms and outcome.diff.present == 2 and outcome.diff.added == []
    before = snapshot(fresh)
    with pytest.raises(ContributionError) as refused:
        contributions.ingest(fresh, contribution)
    assert (refused.value.status, refused.value.message) == (
        409, "every triple of this contribution is already in the graph: nothing to add")
    assert snapshot(fresh) == before


def test_a_later_contribution_is_checked_against_an_earlier_one(fresh):
    contributions.ingest(fresh, parse(CONTEXT, "report.ttl"), now=NOW)
    outcome = contributions.check(fresh, parse(HEAD + ACTIVITY_TTL.format(code="KHM"), "activity.ttl"))
    assert outcome.report.conforms  # its source paragraph now exists
    assert set(outcome.diff.new) == {ACTIVITY} and outcome.diff.linked[PARA] == 1


def _open_files_under(directory) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the descriptor listdir itself used
            continue
        if target.startswith(str(directory) + "/"):
            found.append(target)
    return found


def test_ingest_into_a_disk_store_closes_the_new_generation_before_publishing_it(tmp_path):
    disk = DiskStore(tmp_path / "store")
    disk.write(load_sources)
    contribution = parse(VALID, "valid.ttl")
    gc.disable()  # as when the cyclic collector happens not to run before readers open the new generation
    try:
        disk.write(lambda store: contributions.ingest(store, contribution, now=NOW))
        published = tmp_path / "store" / disk.generation()
        assert _open_files_under(published) == []
        assert len(contributions.ingested(disk.open_read_only()[0])) == 1
    finally:
        gc.enable()


@pytest.mark.parametrize("addition", [
    pytest.param("<doc/A-HRC-99-1/para/1> hrc:mentions <country/TUN> .", id="touch"),
    pytest.param('<doc/A-HRC-99-1/para/1> hrc:paragraphNumber "1"^^xsd:positiveInteger .', id="restate"),
])
def test_a_contribution_may_touch_an_existing_paragraph(fresh, addition):
    """The store keeps "1"^^xsd:positiveInteger as "1"^^xsd:integer: the paragraph it gives back must still
    conform, and a paragraph number restated as in the file is the same value, not a second one."""
    fresh.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASE + "graph/test/context"))
                 for t in parse(CONTEXT).triples)
    outcome = contributions.check(fresh, parse(HEAD + addition))
    assert summary(outcome) == []


# Regressions from review -------------------------------------------------------------------------

DRAFT = ID + "doc/HRC-51-draft-technical-cooperation"


def test_a_duplicate_paragraph_number_is_caught_when_the_document_is_touched_too(fresh):
    """An earlier paragraph linked only by hrc:partOf (no hrc:hasPart) must still be found when the
    contribution also touches the document (it is then a focus resource, not a neighbour)."""
    first = parse(HEAD + f"""<{DRAFT}/op/50> a hrc:OperativeParagraph ; rdfs:label "op. 50 (test)"@en , "执行段落 50(测试)"@zh ;
        hrc:partOf <{DRAFT}> ; hrc:paragraphNumber 50 ; hrc:text "测试。"@zh .""")
    contributions.ingest(fresh, first, now=NOW)
    second = parse(HEAD + f"""<{DRAFT}/op/51> a hrc:OperativeParagraph ; rdfs:label "op. 51 (test)"@en , "执行段落 51(测试)"@zh ;
        hrc:partOf <{DRAFT}> ; hrc:paragraphNumber 50 ; hrc:text "测试。"@zh .
        <{DRAFT}> hrc:hasPart <{DRAFT}/op/51> .""")
    found = [r for r in summary(contributions.check(fresh, second)) if r[0] == "UniqueParagraphNumberShape"]
    assert found == [("UniqueParagraphNumberShape", f"{DRAFT}/op/51", HRC + "paragraphNumber", "50")]


@pytest.mark.parametrize("statement, focus", [
    ("<http://www.w3.org/ns/org#FormalOrganization> rdfs:subClassOf hrc:State .", "http://www.w3.org/ns/org#FormalOrganization"),
    ("<doc/A-HRC-99-1> rdfs:subClassOf hrc:State .", REPORT),
    ("<doc/A-HRC-99-1> a <http://www.w3.org/2002/07/owl#Class> .", REPORT),
    ("<doc/A-HRC-99-1> <http://www.w3.org/2002/07/owl#equivalentClass> hrc:State .", REPORT),
])
def test_a_contribution_cannot_change_the_class_hierarchy(store, statement, focus):
    outcome = contributions.check(store, parse(CONTEXT + statement))
    assert ("ContributionOwnNamespace", focus) in [r[:2] for r in rule_results(outcome)]
    assert not outcome.report.conforms


def test_a_new_resource_without_a_type_is_refused(store):
    outcome = contributions.check(store, parse(HEAD + '<doc/x-test> rdfs:label "x"@en .'))
    assert rule_results(outcome) == [("ContributionTypedResources", ID + "doc/x-test", str(RDF.type), None)]


def test_dot_segments_break_the_iri_pattern(store):
    # written in full: a relative <country/..> would be resolved against the base to <id/> itself
    outcome = contributions.check(store, parse(CONTEXT + f"<doc/A-HRC-99-1/para/1> hrc:mentions <{ID}country/..> ."))
    assert ("ContributionIRIPattern", ID + "country/..") in [r[:2] for r in rule_results(outcome)]


def test_only_the_first_results_get_hints_and_candidates_are_read_once(store, monkeypatch):
    calls = []
    real = hints.select
    monkeypatch.setattr(hints, "select", lambda *args, **kwargs: calls.append(args[1]) or real(*args, **kwargs))
    links = " , ".join(f"<doc/A-HRC-RES-99-{n}>" for n in range(hints.MAX_HINTED + 20))
    outcome = contributions.check(store, parse(CONTEXT + f"<doc/A-HRC-99-1/para/1> hrc:cites {links} ."))
    dangling = [r for r in outcome.report.results if str(r.source_shape).endswith("NoDanglingLinkShape")]
    assert len(dangling) == hints.MAX_HINTED + 20
    assert len(calls) == 1  # one read of the doc/ candidates for all of them
    assert sum(1 for r in outcome.report.results if r.hint_en) <= hints.MAX_HINTED


def test_the_turtle_report_holds_exactly_the_reported_results(store):
    """Results about resources outside the contribution are filtered out of the sh:ValidationReport
    too, not left in it unlinked."""
    outcome = contributions.check(store, parse(CONTEXT + ACTIVITY_TTL.format(code="KHN")))
    report = Graph().parse(data=validation.format_turtle(outcome.report), format="turtle")
    top = report.value(predicate=RDF.type, object=SH.ValidationReport)
    results = set(report.objects(top, SH.result))
    assert len(results) == len(outcome.report.results) > 0
    # every result in the graph is one of these, or the sh:detail of one (nested shapes)
    details = {d for r in results for d in report.objects(r, SH.detail)}
    assert set(report.subjects(RDF.type, SH.ValidationResult)) <= results | details
    assert {report.value(r, SH.focusNode) for r in results} <= {URIRef(REPORT), URIRef(PARA), URIRef(ACTIVITY)}
