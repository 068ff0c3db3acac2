"""Dereferencing our IRIs: HTML pages for people and RDF by content negotiation (plain HTTP)."""

import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF, RDFS

from hrckg.app import create_app

from external import site_app_on_both_stores as site_app  # noqa: F401 - every test runs on both stores

ID = "https://w3id.org/hrckg/id/"
HRC = "https://w3id.org/hrckg/ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
KHM = ID + "country/KHM"
DRAFT = ID + "doc/HRC-51-draft-technical-cooperation"
REPORT = ID + "doc/A-HRC-35-20"


class Page(HTMLParser):
    """The parts of a page the tests look at: sections by id, their text and links, the html lang."""

    def __init__(self, html: str):
        super().__init__()
        self.lang, self.sections, self.links, self.external, self._stack = None, {}, [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "section":
            self._stack.append(attrs.get("id"))
            self.sections.setdefault(attrs.get("id"), {"text": "", "links": []})
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if "external" in (attrs.get("class") or ""):
                self.external.append(attrs["href"])
            if self._stack:
                self.sections[self._stack[-1]]["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._stack:
            self.sections[self._stack[-1]]["text"] += data


def html(client, path, **headers):
    response = client.get(path, headers={"Accept": BROWSER, **headers})
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def triples(response) -> set:
    return {(t.subject, t.predicate, t.object)
            for t in ox.parse(response.data, format=ox.RdfFormat.from_media_type(response.mimetype))}


@pytest.mark.parametrize("accept, fmt, mimetype", [
    ("text/turtle", None, "text/turtle"),
    ("application/n-triples", None, "application/n-triples"),
    ("application/rdf+xml", None, "application/rdf+xml"),
    ("application/ld+json", None, "application/ld+json"),
    (BROWSER, "turtle", "text/turtle"),
    (BROWSER, "jsonld", "application/ld+json"),
])
def test_a_resource_is_served_as_rdf_by_accept_or_format_link(client, accept, fmt, mimetype):
    response = client.get("/id/country/KHM" + (f"?format={fmt}" if fmt else ""), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    graph = triples(response)
    khm, office = ox.NamedNode(KHM), ox.NamedNode(ID + "org/ohchr-cambodia")
    assert (khm, ox.NamedNode(HRC + "isoAlpha3"), ox.Literal("KHM")) in graph  # outgoing
    assert (office, ox.NamedNode(HRC + "locatedIn"), khm) in graph  # incoming
    label = ox.Literal("OHCHR Cambodia country office", language="en")
    assert (office, ox.NamedNode(str(RDFS.label)), label) in graph  # a neighbour's label


def test_a_browser_gets_html_with_links_to_every_format(client):
    response = client.get("/id/country/KHM", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    for fmt in ("turtle", "ntriples", "rdfxml", "jsonld"):
        assert f"?format={fmt}" in page.links
    assert '</id/country/KHM?format=turtle>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


def test_unknown_iris_in_our_namespace_are_404_pages(client):
    response = client.get("/id/country/XXX", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "https://w3id.org/hrckg/id/country/XXX" in response.get_data(as_text=True)
    assert client.get("/id/country/XXX", headers={"Accept": "text/turtle"}).status_code == 404


def test_no_acceptable_format_is_406_and_an_unknown_format_400(client):
    assert client.get("/id/country/KHM", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/country/KHM?format=docx").status_code == 400


def test_the_state_page_shows_labels_types_sources_and_what_involves_it(client):
    page = html(client, "/id/country/KHM?lang=en")
    assert page.lang == "en"
    assert "/ontology#State" in page.links
    assert "柬埔寨" in page.sections["source"]["text"]
    assert "/id/doc/A-HRC-35-20/para/12" in page.sections["source"]["links"]
    activities = page.sections["panel-state-activities"]
    assert "Prison reform in Cambodia" in activities["text"]
    assert "/id/org/ohchr-cambodia" in activities["links"]
    incoming = page.sections["incoming"]["text"]
    assert "mentioned in" in incoming and "located here" in incoming and "institutions" in incoming
    assert "http://publications.europa.eu/resource/authority/country/KHM" in page.external


def test_the_language_switch_changes_labels_and_is_remembered(client):
    response = client.get("/id/country/KHM?lang=zh", headers={"Accept": BROWSER})
    page = Page(response.get_data(as_text=True))
    assert page.lang == "zh"
    assert "lang=zh" in response.headers["Set-Cookie"]
    assert "国家" in page.sections["panel-state-activities"]["text"] or "在该国的技术合作" in response.get_data(as_text=True)
    client.set_cookie("lang", "zh")
    assert "<h1 id=\"title\">柬埔寨</h1>" in client.get("/id/country/KHM", headers={"Accept": BROWSER}).get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "<h1 id=\"title\">Cambodia</h1>" in client.get("/id/country/KHM", headers={"Accept": BROWSER}).get_data(as_text=True)


def test_the_draft_lists_its_sponsors_with_membership(client):
    page = html(client, "/id/doc/HRC-51-draft-technical-cooperation?lang=en")
    sponsors = page.sections["panel-sponsors"]
    assert len([link for link in sponsors["links"] if link.startswith("/id/country/")]) == 31
    assert sponsors["text"].count("yes") == 13
    assert sponsors["text"].count("no") == 18


def test_the_report_shows_its_paragraphs_in_order_with_citations_and_footnotes(client):
    body = client.get("/id/doc/A-HRC-35-20?lang=en", headers={"Accept": BROWSER}).get_data(as_text=True)
    text = Page(body).sections["panel-text"]
    positions = [text["links"].index(f"/id/doc/A-HRC-35-20/para/{n}") for n in (1, 2, 12, 13, 80)]
    assert positions == sorted(positions)
    assert "/id/doc/A-HRC-35-20/fn/3" in text["links"]  # footnote 3 of para 13
    assert "见 A/HRC/29/48, 第 14-24 段。" in text["text"]
    assert "/id/doc/A-HRC-29-48" in text["links"]  # cited by footnote 3


def test_incoming_links_are_grouped_and_named_from_the_resource_side(client):
    page = html(client, "/id/doc/A-HRC-RES-33-28?lang=en")
    incoming = page.sections["incoming"]
    assert "cited by" in incoming["text"]
    assert "requested" in incoming["text"]
    assert "/id/doc/A-HRC-35-20" in incoming["links"]


def test_an_activity_shows_its_actors_period_and_figures(client):
    page = html(client, "/id/activity/cambodia-monitoring?lang=en")
    assert "/id/org/ohchr-cambodia" in page.sections["panel-activity-actors"]["links"]
    assert "1993" in page.sections["panel-activity-period"]["text"]
    assert page.sections["panel-activity-figures"]["links"]


def test_a_fund_shows_who_runs_it(client):
    page = html(client, "/id/fund/vf-technical-cooperation?lang=en")
    assert "/id/fund/vf-technical-cooperation/board" in page.sections["panel-fund-governance"]["links"]


@pytest.fixture(scope="module")
def hostile_app():
    """A store whose literals hold markup: pages must show it as text."""
    store = ox.Store()
    evil = ox.NamedNode(ID + "org/evil")
    store.add(ox.Quad(evil, ox.NamedNode(str(RDFS.label)), ox.Literal("<script>alert(1)</script>", language="en")))
    store.add(ox.Quad(evil, ox.NamedNode(HRC + "text"), ox.Literal('"><img src=x onerror=alert(2)>')))
    store.add(ox.Quad(evil, ox.NamedNode(str(RDFS.seeAlso)), ox.NamedNode('https://example.org/x?a=1&b=<2>'.replace('<', '%3C').replace('>', '%3E'))))
    store.add(ox.Quad(evil, ox.NamedNode(str(RDFS.seeAlso)), ox.NamedNode("javascript:alert(3)")))
    chinese_only = ox.NamedNode(ID + "org/chinese-only")
    store.add(ox.Quad(chinese_only, ox.NamedNode(str(RDFS.label)), ox.Literal("只有中文名称", language="zh-Hans")))
    store.add(ox.Quad(chinese_only, ox.NamedNode(str(RDFS.seeAlso)), evil))
    app = create_app({"QUERY_PROCESSES": 1}, store=store)
    yield app
    app.extensions["hrckg.pool"].close()


def test_every_value_is_escaped(hostile_app):
    response = hostile_app.test_client().get("/id/org/evil", headers={"Accept": BROWSER})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert 'href="https://example.org/x?a=1&amp;b=%3C2%3E"' in body
    assert 'href="javascript:' not in body and "javascript:alert(3)" in body  # shown, never a link


def test_a_label_missing_in_the_chosen_language_falls_back_to_the_other(hostile_app):
    client = hostile_app.test_client()
    for lang in ("en", "zh"):
        body = client.get(f"/id/org/chinese-only?lang={lang}", headers={"Accept": BROWSER}).get_data(as_text=True)
        assert '<h1 id="title">只有中文名称</h1>' in body
    body = client.get("/id/org/evil?lang=zh", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the English label when there is no Chinese one


@pytest.mark.parametrize("path", ["/id/%00", "/id/a%20b", "/id/x%3Cy", "/vocab/x%20y", "/id/"])
def test_paths_no_iri_can_have_are_404(client, path):
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_language_switch_never_leads_off_the_site(client):
    body = client.get("/%5Cevil.example", headers={"Accept": BROWSER}).get_data(as_text=True)
    links = re.findall(r'<a lang="zh" hreflang="zh" href="([^"]+)"', body)
    assert links == ["?lang=zh"]


def test_dereferenced_rdf_is_readable_cross_origin_and_pages_vary_by_language(client):
    response = client.get("/id/country/KHM", headers={"Accept": "text/turtle", "Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    for path in ("/", "/id/country/KHM", "/search?q=cambodia&format=json"):
        vary = {v.strip() for v in client.get(path, headers={"Accept": BROWSER}).headers["Vary"].split(",")}
        assert {"Cookie", "Accept-Language"} <= vary, path
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_every_shape_iri_dereferences_to_its_anchor_on_the_shapes_page(client, site_app):
    store = site_app.extensions["hrckg.store"].get()
    shapes = {q.subject.value for q in store.quads_for_pattern(None, None, None, None)
              if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith("https://w3id.org/hrckg/shapes#")}
    body = client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True)
    anchors = {match for match in re.findall(r'<section id="([^"]+)"', body)}
    assert anchors == {iri.split("#", 1)[1] for iri in shapes}
    assert "hrcsh:Agent" in body


def test_the_shapes_as_rdf_include_the_lists_and_property_shapes_they_reach(client):
    graph = triples(client.get("/shapes", headers={"Accept": "text/turtle"}))
    subjects = {s for s, _, _ in graph}
    blank_objects = [o for _, _, o in graph if isinstance(o, ox.BlankNode)]
    assert blank_objects, "the shapes use RDF lists (sh:in, sh:or)"
    assert all(o in subjects for o in blank_objects)


def test_the_draft_says_in_english_what_each_paragraph_does_and_to_whom(client):
    page = html(client, "/id/doc/HRC-51-draft-technical-cooperation?lang=en")
    text = page.sections["panel-text"]["text"]
    assert "requests" in text and "United Nations High Commissioner for Human Rights" in text
    assert "/vocab/operative-verb/requests" in page.sections["panel-text"]["links"]


def test_a_paragraph_page_opens_with_its_text_and_a_document_links_its_official_text(client):
    body = client.get("/id/doc/A-HRC-35-20/para/12?lang=en", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert Page(body).sections["text"]["text"].strip().startswith("1993 年人权高专办在柬埔寨设立第一个办事处")
    report = client.get("/id/doc/A-HRC-35-20?lang=en", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'href="https://undocs.org/en/A/HRC/35/20" hreflang="en">English</a>' in report
    assert 'id="source"' not in report  # its sources are its own paragraphs, already shown in full


def test_panel_rows_merge_a_second_implementer_and_hide_datatypes(client):
    page = html(client, "/id/country/KHM?lang=en")
    activities = page.sections["panel-state-activities"]
    assert activities["links"].count("/id/activity/cambodia-justice-infrastructure") == 1
    assert {"/id/org/undp", "/id/org/ohchr"} <= set(activities["links"])
    assert "xsd:" not in activities["text"]


def test_a_panel_shows_its_first_rows_and_links_to_all_of_them_as_a_query():
    """A State named in 150 recommendations (fictional, for this test) gets 100 rows and a query for all 150."""
    from urllib.parse import parse_qs, urlsplit

    from hrckg.panels import PANEL_ROWS
    from hrckg.store import curated_store

    store, khm = curated_store(), ox.NamedNode(ID + "country/KHM")
    for n in range(150):
        recommendation = ox.NamedNode(f"{ID}recommendation/test-{n:03d}")
        store.add(ox.Quad(recommendation, ox.NamedNode(str(RDF.type)), ox.NamedNode(HRC + "Recommendation"), ox.NamedNode("http://e/g")))
        store.add(ox.Quad(recommendation, ox.NamedNode(HRC + "country"), khm, ox.NamedNode("http://e/g")))
    app = create_app({"QUERY_PROCESSES": 1}, store=store)
    try:
        client = app.test_client()
        body = client.get("/id/country/KHM", headers={"Accept": BROWSER}).get_data(as_text=True)
        section = body[body.index('id="panel-state-recommendations"'):]
        section = section[:section.index("</section>")]
        assert section.count("<tr>") == 1 + PANEL_ROWS  # the heading row and the first 100
        link = re.search(r'<p class="more"><a href="([^"]+)">The first 100 rows; all of them, as a query</a>', section)
        query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["query"][0]
        answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
        rows = answer.get_json()["results"]["bindings"]
        curated = len([r for r in rows if "/recommendation/test-" not in r["recommendation"]["value"]])
        assert len(rows) == 150 + curated
    finally:
        app.extensions["hrckg.pool"].close()
