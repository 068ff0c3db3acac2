"""`hrckg validate`: exit 0 conforms, 1 does not conform, 2 could not validate; the three formats
carry the same results."""

import json
import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from hrckg import cli, validation

INVALID = Path(__file__).parent / "data" / "invalid"

# A small contribution that must conform without a single warning: it exercises subclass typing
# (a field presence implements, a State benefits), concept schemes, records and provenance.
VALID = """
@base <https://w3id.org/hrckg/id/> .
@prefix hrc:  <https://w3id.org/hrckg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix th:   <https://w3id.org/hrckg/vocab/theme/> .

<doc/A-HRC-99-1> a hrc:Report ;
    rdfs:label "Report A/HRC/99/1 (test)"@en , "报告 A/HRC/99/1(测试)"@zh ;
    hrc:symbol "A/HRC/99/1" ;
    hrc:date "2099-01-15"^^xsd:date ;
    hrc:author <org/test-office> ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .

<doc/A-HRC-99-1/para/1> a hrc:ReportParagraph ;
    rdfs:label "A/HRC/99/1, para. 1"@en , "A/HRC/99/1 第1段"@zh ;
    hrc:partOf <doc/A-HRC-99-1> ;
    hrc:paragraphNumber "1"^^xsd:integer ;
    hrc:text "测试办事处协助测试国培训法官。"@zh .

<org/test-office> a hrc:FieldPresence ;
    rdfs:label "Test office"@en , "测试办事处"@zh ;
    hrc:locatedIn <country/BTN> ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .

<country/BTN> a hrc:State ;
    rdfs:label "Bhutan"@en , "不丹"@zh ;
    hrc:isoAlpha2 "BT" ; hrc:isoAlpha3 "BTN" ; hrc:isoNumeric "064" ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .

<activity/test-training> a hrc:TechnicalCooperationActivity ;
    rdfs:label "Training of judges (test)"@en , "法官培训(测试)"@zh ;
    hrc:implementedBy <org/test-office> ;
    hrc:beneficiary <country/BTN> ;
    hrc:country <country/BTN> ;
    hrc:theme th:administration-of-justice ;
    hrc:startYear "2097"^^xsd:gYear ; hrc:endYear "2098"^^xsd:gYear ;
    hrc:result <activity/test-training/result/1> ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .

<activity/test-training/result/1> a hrc:QuantitativeResult ;
    rdfs:label "judges trained (test)"@en , "受训法官(测试)"@zh ;
    hrc:value 40 ;
    hrc:unit "judges"@en , "法官"@zh ;
    prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .
"""


def run(capsys, *args):
    code = cli.main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_conforming_file_exits_0(tmp_path, capsys):
    path = tmp_path / "valid.ttl"
    path.write_text(VALID, encoding="utf-8")
    code, out, err = run(capsys, path)
    assert (code, err) == (0, "")
    assert out.startswith("conforms: 0 violation(s), 0 warning(s)")


def test_invalid_file_exits_1(capsys):
    code, out, err = run(capsys, INVALID / "sponsor-not-a-state.ttl")
    assert (code, err) == (1, "")
    assert "hrcsh:Sponsorship-sponsor" in out


def test_with_graph_validates_the_contribution_merged_with_the_curated_graph(capsys):
    code, out, _ = run(capsys, "--with-graph", "--format", "json", INVALID / "dangling-citation.ttl")
    report = json.loads(out)
    assert code == 1 and not report["conforms"]
    dangling = [r for r in report["results"] if r["sourceShape"].endswith("#NoDanglingLinkShape")]
    assert [r["value"]["value"] for r in dangling] == ["https://w3id.org/hrckg/id/doc/A-HRC-98-98"]


def test_no_files_validates_the_curated_graph(capsys):
    code, out, err = run(capsys, "--format", "json")
    report = json.loads(out)
    assert err == ""
    assert code == (0 if report["conforms"] else 1)


def test_malformed_turtle_exits_2_with_file_line_column(capsys):
    path = INVALID / "malformed-turtle.ttl"
    code, out, err = run(capsys, path)
    assert (code, out) == (2, "")
    assert re.match(rf"{re.escape(str(path))}:11:1: bad syntax: ", err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unreadable_or_unsupported_input_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "missing.ttl")
    assert code == 2 and err.startswith(f"{tmp_path / 'missing.ttl'}: no such file")
    notes = tmp_path / "notes.txt"
    notes.write_text("not RDF", encoding="utf-8")
    code, _, err = run(capsys, notes)
    assert code == 2 and "cannot tell the format" in err


def test_pyshacl_failure_exits_2_not_1(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(validation.pyshacl, "validate", broken)
    code, out, err = run(capsys, INVALID / "bad-symbol.ttl")
    assert (code, out) == (2, "")
    assert "could not validate" in err and "boom" in err


# Three broken contributions that share the same valid context, so they merge cleanly.
MERGED = [INVALID / "dangling-citation.ttl", INVALID / "duplicate-paragraph-number.ttl",
          INVALID / "missing-chinese-label.ttl"]


def _term(obj):
    if obj is None:
        return None
    if obj["type"] == "literal":
        return Literal(obj["value"], lang=obj.get("xml:lang"), datatype=obj.get("datatype"))
    return BNode(obj["value"]) if obj["type"] == "bnode" else URIRef(obj["value"])


def test_json_and_turtle_carry_the_same_results(capsys):
    code_json, out_json, _ = run(capsys, "--format", "json", *MERGED)
    code_ttl, out_ttl, _ = run(capsys, "--format", "turtle", *MERGED)
    assert code_json == code_ttl == 1
    report = json.loads(out_json)
    from_json = {(r["severity"], URIRef(r["focusNode"]), URIRef(r["path"]), _term(r["value"]),
                  URIRef(r["sourceShape"]), r["message"]["en"], r["message"]["zh"]) for r in report["results"]}

    graph = Graph().parse(data=out_ttl, format="turtle")
    top = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    from_turtle = set()
    for node in graph.objects(top, SH.result):
        messages = {m.language: str(m) for m in graph.objects(node, SH.resultMessage)}
        from_turtle.add((graph.value(node, SH.resultSeverity).removeprefix(str(SH)), graph.value(node, SH.focusNode),
                         graph.value(node, SH.resultPath), graph.value(node, SH.value),
                         graph.value(node, SH.sourceShape), messages["en"], messages["zh"]))
    assert len(report["results"]) == len(from_turtle) == 5
    assert from_json == from_turtle
    assert report["conforms"] is False and graph.value(top, SH.conforms).toPython() is False


def test_text_output_is_grouped_by_focus_node(capsys):
    _, out_json, _ = run(capsys, "--format", "json", *MERGED)
    focus_nodes = {r["focusNode"] for r in json.loads(out_json)["results"]}
    code, out, _ = run(capsys, *MERGED)
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("does not conform: 5 violation(s)")
    headers = [line for line in lines[1:] if line and not line.startswith(" ")]
    assert sorted(h.strip("<>") for h in headers) == sorted(focus_nodes)  # each focus node exactly once
    blocks = out.split("\n\n")[1:]
    assert len(blocks) == len(focus_nodes)
    for block in blocks:
        body = block.splitlines()[1:]
        assert body and all(line.startswith("  ") for line in body)
        assert any(line.strip().startswith("shape: hrcsh:") for line in body)


def test_the_command_line_offers_exactly_the_report_formats_validation_writes():
    from hrckg import cli, validation

    assert cli.REPORT_FORMATS == validation.FORMATS
