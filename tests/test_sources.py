"""The source texts are parsed completely, and data/generated/ is exactly what the generator makes."""

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from hrckg import build_data
from hrckg.build_data import find_states, sponsor_names
from hrckg.graph import DATA_DIR
from hrckg.source_text import DRAFT_FILE, REPORT_FILE, join_lines, parse_draft, parse_report


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def report():
    return parse_report()


@pytest.fixture(scope="module")
def draft():
    return parse_draft()


def test_report_has_80_paragraphs_23_footnotes_and_a_summary(report):
    kinds = [p.kind for p in report]
    assert kinds.count("numbered") == 80
    assert kinds.count("footnote") == 23
    assert kinds.count("summary") == 2
    assert [p.number for p in report if p.kind == "numbered"] == [str(n) for n in range(1, 81)]


def test_report_paragraph_text_survives_page_breaks(report):
    paragraphs = {p.number: p.text for p in report if p.kind == "numbered"}
    # Para 48 is split by footnotes 12-14 at a page break; para 63 by the page header.
    assert paragraphs["48"].endswith("使它们能够更好地接触国际人权机制并有效执行这些机制的建议。")
    assert "A/HRC/35/20" not in paragraphs["63"] and "GE.17" not in paragraphs["63"]
    assert "涵盖许多方面。开发署主要致力于" in paragraphs["63"]
    # Para 71 continues after footnote marker 22.
    assert paragraphs["71"].endswith("是确定能力建设需求和技术合作机会的重要依据。”")


def test_footnote_markers_are_attached_where_they_stand(report):
    markers = {p.number or p.text: p.footnotes for p in report if p.footnotes}
    assert markers["5"] == ["1"]
    assert markers["43"] == ["11", "12"]
    assert markers["5. 科索沃性暴力和性别暴力妇女受害者的参与"] == ["14"]
    assert sorted(int(n) for ns in markers.values() for n in ns) == list(range(1, 24))


def test_report_headings_have_levels(report):
    headings = [(p.level, p.text) for p in report if p.kind == "heading"]
    assert headings[0] == (1, "一. 导言和方法")
    assert (4, "人权高专办柬埔寨国家办事处将技术合作与人权监测有效结合") in headings
    assert (4, "用立足人权的办法处理移徙问题：制定一项保护黎巴嫩移徙家庭佣工的行为守则") in headings
    assert (3, "5. 在老挝人民民主共和国和泰国利用联合国发展援助框架贯彻普遍定期审议建议") in headings


def test_draft_has_16_preambular_14_operative_and_3_footnotes(draft):
    kinds = [p.kind for p in draft]
    assert kinds.count("preambular") == 16
    assert kinds.count("operative") == 14
    assert sorted(p.number for p in draft if p.kind == "footnote") == ["*", "1", "2"]
    preamble = {p.number: p for p in draft if p.kind == "preambular"}
    # pp 5 is interrupted by the asterisk note at a page break and carries footnote 1.
    assert "以及秘书长题为" in preamble["5"].text and preamble["5"].footnotes == ["1"]


def test_every_paragraph_text_is_in_the_source(report, draft):
    for parts, path in ((report, REPORT_FILE), (draft, DRAFT_FILE)):
        source = squeeze(path.read_text(encoding="utf-8"))
        for part in parts:
            for line in part.lines:
                assert squeeze(line) in source, (part.kind, part.number, line)


def test_sponsor_list_has_31_states_and_13_members(draft):
    sponsors = sponsor_names(next(p for p in draft if p.kind == "sponsors").text)
    assert len(sponsors) == 31
    assert sponsors[0] == ("阿尔巴尼亚", False) and sponsors[-1] == ("也门", False)
    assert [name for name, member in sponsors if member] == [
        "阿根廷", "巴西", "洪都拉斯", "印度尼西亚", "卢森堡", "马来西亚", "黑山", "尼泊尔",
        "巴基斯坦", "巴拉圭", "卡塔尔", "索马里", "乌克兰"]


@pytest.mark.parametrize("text, states", [
    ("派驻巴布亚新几内亚的人权高专办人权顾问", {"PNG"}),
    ("通常简称为西班牙语缩写 SIMORE", set()),
    ("人权评估(如格鲁吉亚)、报告编写(如波斯尼亚和黑塞哥维那)", {"GEO", "BIH"}),
    ("索马里", {"SOM"}),
])
def test_find_states_prefers_longest_names(text, states):
    assert find_states(text) == states


def test_join_lines_keeps_latin_words_apart():
    assert join_lines(["Derechos de las ", "Personas"]) == "Derechos de las Personas"
    assert join_lines(["人权高", "专办"]) == "人权高专办"


def test_generated_files_are_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setattr(build_data, "GENERATED", tmp_path)
    for path, _ in build_data.build():
        committed = Graph().parse(DATA_DIR / "generated" / path.name)
        assert isomorphic(Graph().parse(path), committed), f"run `hrckg build-data`: {path.name} is stale"


def test_states_carry_pycountry_codes_and_outward_links():
    states = Graph().parse(DATA_DIR / "generated" / "states.ttl")
    cambodia = URIRef("https://w3id.org/hrckg/id/country/KHM")
    query = """SELECT ?a2 ?a3 ?en ?zh ?eu WHERE { ?s hrc:isoAlpha2 ?a2 ; hrc:isoAlpha3 ?a3 ; rdfs:label ?en , ?zh ;
               skos:exactMatch ?eu . FILTER(lang(?en) = "en" && lang(?zh) = "zh") }"""
    rows = list(states.query(query, initBindings={"s": cambodia}, initNs={
        "hrc": "https://w3id.org/hrckg/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skos": "http://www.w3.org/2004/02/skos/core#"}))
    assert [tuple(map(str, row)) for row in rows] == [
        ("KH", "KHM", "Cambodia", "柬埔寨", "http://publications.europa.eu/resource/authority/country/KHM")]
