"""The pictures: the citation network (/citations, /citations.svg) and a resource's neighbourhood
(pictures.neighbourhood_svg, /pictures/neighbourhood.svg), checked as XML and against the data."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from markupsafe import Markup

from hrckg import pictures
from hrckg.layout import Box, force_layout, separate

SVG = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/hrckg/id/"
HRC = "https://w3id.org/hrckg/ontology#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NASTY = "x <script>alert(1)</script> & 'y'"

DOCUMENT_COUNT_QUERY = """
PREFIX hrc: <https://w3id.org/hrckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?class rdfs:subClassOf* hrc:Document . ?doc a ?class }"""


def store_of(site_app) -> ox.Store:
    return site_app.extensions["hrckg.store"].get()


class SvgInPage(HTMLParser):
    """The first inline <svg> of an HTML page, as text, and the rows of the table after it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.svg_start, self.svg_end = 0, None, None
        self.rows, self.cells, self.in_cell, self.in_tbody = [], None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and self.svg_start is None and ("class", "picture citations") in attrs:
            self.svg_start = self.getpos()
        if tag == "tbody":
            self.in_tbody = True
        if self.in_tbody and tag == "tr":
            self.cells = []
        if self.in_tbody and tag == "td":
            self.in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg_start is not None and self.svg_end is None:
            self.svg_end = self.getpos()
        if tag == "td":
            self.in_cell = False
        if tag == "tr" and self.cells is not None:
            self.rows.append(tuple(c.strip() for c in self.cells))
            self.cells = None
        if tag == "tbody":
            self.in_tbody = False

    def handle_data(self, data):
        if self.in_cell:
            self.cells[-1] += data


def inline_svg(html: str) -> tuple[ET.Element, list[tuple]]:
    parser = SvgInPage()
    parser.feed(html)
    lines = html.split("\n")
    (l1, c1), (l2, c2) = parser.svg_start, parser.svg_end
    if l1 == l2:
        text = lines[l1 - 1][c1:c2]
    else:
        text = "\n".join([lines[l1 - 1][c1:], *lines[l1:l2 - 1], lines[l2 - 1][:c2]])
    return ET.fromstring(text + "</svg>"), parser.rows


def node_links(svg: ET.Element) -> dict[str, str]:
    """data-node -> href of the document nodes."""
    return {a.get("data-node"): a.get("href") for a in svg.iter(f"{SVG}a") if a.get("class") == "node"}


def edges(svg: ET.Element) -> set[tuple[str, str]]:
    """(citing href, cited href) for every arrow."""
    links = node_links(svg)
    return {(links[p.get("data-from")], links[p.get("data-to")])
            for p in svg.iter(f"{SVG}path") if p.get("class") == "edge"}


def check_picture_element(svg: ET.Element) -> None:
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%"
    assert len(svg.get("viewBox").split()) == 4
    title_id = svg.get("aria-labelledby").split()[0]
    title = svg.find(f"{SVG}title")
    assert title is not None and title.get("id") == title_id and title.text


# --- the citation network --------------------------------------------------------------------

def test_citations_page_draws_every_document_as_a_link(client, site_app):
    response = client.get("/citations?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    svg, _ = inline_svg(response.get_data(as_text=True))
    check_picture_element(svg)
    documents = int(next(store_of(site_app).query(DOCUMENT_COUNT_QUERY, use_default_graph_as_union=True))["n"].value)
    assert documents == 76
    links = node_links(svg)
    assert len(links) == documents
    assert len(set(links.values())) == documents
    assert all(href.startswith("/id/doc/") for href in links.values())
    # the label shown is the symbol; the full title is the tooltip
    report = next(a for a in svg.iter(f"{SVG}a") if a.get("href") == "/id/doc/A-HRC-35-20")
    assert report.find(f"{SVG}text").text == "A/HRC/35/20"
    assert "Human Rights Council" in report.find(f"{SVG}title").text or "technical cooperation" in report.find(f"{SVG}title").text


def test_citation_edges_come_from_the_data(client):
    svg, rows = inline_svg(client.get("/citations?lang=en").get_data(as_text=True))
    arrows = edges(svg)
    # summary para 1 and para 1 of the report cite the resolution that requested it
    assert ("/id/doc/A-HRC-35-20", "/id/doc/A-HRC-RES-33-28") in arrows
    # preambular para 5 of the HRC 51 draft cites the report (a citation record) and the resolution
    assert ("/id/doc/HRC-51-draft-technical-cooperation", "/id/doc/A-HRC-35-20") in arrows
    assert ("/id/doc/HRC-51-draft-technical-cooperation", "/id/doc/A-HRC-RES-33-28") in arrows
    # a document that cites another as a whole, not through a part
    assert ("/id/doc/nepal-supreme-court-amnesty-decision", "/id/doc/ohchr-analysis-nepal-trc-act") in arrows
    # nothing cites the draft, and nothing cites itself
    assert not any(cited == "/id/doc/HRC-51-draft-technical-cooperation" for _, cited in arrows)
    assert not any(a == b for a, b in arrows)
    assert len(rows) == len(arrows)
    # the table: sorted by passages, the five footnotes citing A/HRC/29/48 first
    assert rows[0] == ("A/HRC/35/20", "A/HRC/29/48", "5")
    assert ("A/HRC/35/20", "A/HRC/RES/33/28", "2") in rows
    counts = [int(row[2]) for row in rows]
    assert counts == sorted(counts, reverse=True)


def test_citation_arrows_are_thicker_for_more_passages_and_nodes_bigger_when_cited(client):
    svg, _ = inline_svg(client.get("/citations?lang=en").get_data(as_text=True))
    links = node_links(svg)
    width = {(links[p.get("data-from")], links[p.get("data-to")]): float(p.get("stroke-width"))
             for p in svg.iter(f"{SVG}path") if p.get("class") == "edge"}
    assert width[("/id/doc/A-HRC-35-20", "/id/doc/A-HRC-29-48")] > width[("/id/doc/A-HRC-35-20", "/id/doc/A-HRC-RES-33-28")] \
        > width[("/id/doc/A-HRC-35-20", "/id/doc/A-HRC-RES-18-18")]
    radius = {a.get("href"): float(a.find(f"{SVG}circle").get("r")) for a in svg.iter(f"{SVG}a")}
    assert radius["/id/doc/A-HRC-29-48"] > radius["/id/doc/A-HRC-RES-18-18"] > radius["/id/doc/HRC-51-draft-technical-cooperation"]
    assert svg.find(f"{SVG}defs/{SVG}marker") is not None
    assert all(p.get("marker-end") == "url(#citations-arrow)" for p in svg.iter(f"{SVG}path") if p.get("class") == "edge")


def test_citations_page_has_legend_and_no_inline_style_or_script(client):
    html = client.get("/citations?lang=en").get_data(as_text=True)
    svg_text = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="picture citations"'):]
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html and "<script src=\"/static/pictures.js\" defer>" in html
    assert 'class="picture-legend"' in html
    for kind in ("report", "resolution", "treaty", "national instrument", "draft resolution"):
        assert f">{kind}</a>" in html
    assert "/static/pictures.css" in html
    assert svg_text


def test_citations_page_in_chinese(client):
    response = client.get("/citations?lang=zh")
    svg, _ = inline_svg(response.get_data(as_text=True))
    labels = {t.text for t in svg.iter(f"{SVG}text")}
    assert "联合国宪章" in labels  # the Charter, which has no symbol, by its Chinese name
    assert "A/HRC/35/20" in labels
    assert svg.find(f"{SVG}title").text == "文件引用网络"
    assert "引用网络" in response.get_data(as_text=True)


def test_bare_citations_svg_is_well_formed(client):
    response = client.get("/citations.svg?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.data)
    check_picture_element(svg)
    assert len(node_links(svg)) == 76
    legend = svg.find(f"{SVG}g[@class='legend']")
    assert legend is not None and any(t.text == "report (9)" for t in legend.iter(f"{SVG}text"))


def test_same_graph_gives_the_same_bytes(client, site_app):
    first = client.get("/citations.svg?lang=en").data
    assert client.get("/citations.svg?lang=en").data == first
    with site_app.app_context():
        store = store_of(site_app)
        drawings = []
        for _ in range(2):  # computed afresh, not from the cache
            network = pictures.citation_network(store, "en")
            drawings.append(str(pictures.draw_citations(network, pictures.citation_layout(network), "en", legend=True)))
    assert drawings[0] == drawings[1]
    assert drawings[0].encode() in first


def test_layout_keeps_labels_apart():
    positions = force_layout(30, [(0, i, 1.0) for i in range(1, 30)])
    assert positions == force_layout(30, [(0, i, 1.0) for i in range(1, 30)])
    boxes = [Box(x * 100, y * 100, 40, 40, 6, 20) for x, y in positions]
    separate(boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx, dy = a.overlap(b, 0)
            assert dx <= 0 or dy <= 0
    assert len({(round(b.x, 1), round(b.y, 1)) for b in boxes}) == 30


# --- escaping --------------------------------------------------------------------------------

def nasty_store() -> ox.Store:
    """Two documents and a link between resources whose labels are markup."""
    store = ox.Store()
    a, b, c = ox.NamedNode(ID + "doc/a"), ox.NamedNode(ID + "doc/b"), ox.NamedNode("https://example.org/x?a=1&b=2")
    cites, link = ox.NamedNode(HRC + "cites"), ox.NamedNode(HRC + "odd")
    store.extend([ox.Quad(a, RDF_TYPE, ox.NamedNode(HRC + "Document")), ox.Quad(b, RDF_TYPE, ox.NamedNode(HRC + "Document")),
                  ox.Quad(a, RDFS_LABEL, ox.Literal(NASTY, language="en")),
                  ox.Quad(b, RDFS_LABEL, ox.Literal("b & <b>\x0b", language="en")),
                  ox.Quad(a, cites, b), ox.Quad(a, link, c),
                  ox.Quad(link, RDFS_LABEL, ox.Literal("<i>odd</i> & co", language="en"))])
    return store


def test_neighbourhood_text_is_escaped():
    svg_text = str(pictures.neighbourhood_svg(nasty_store(), ox.NamedNode(ID + "doc/a"), "en"))
    assert "<script>" not in svg_text and "<i>" not in svg_text and "<b>" not in svg_text
    svg = ET.fromstring(svg_text)
    check_picture_element(svg)
    texts = " ".join(t.text or "" for t in svg.iter())
    assert NASTY in texts  # in the title, whole
    assert "b & <b>" in texts
    assert "<i>odd</i> & co" in texts
    external = next(a for a in svg.iter(f"{SVG}a") if a.get("rel") == "external")
    assert external.get("href") == "https://example.org/x?a=1&b=2"
    assert "x?a=1&amp;b=2" in svg_text


def test_citation_network_text_is_escaped(site_app):
    store = nasty_store()
    network = pictures.citation_network(store, "en")
    assert [(e.citing.iri, e.cited.iri, e.passages) for e in network.edges] == [(ID + "doc/a", ID + "doc/b", 1)]
    svg_text = str(pictures.draw_citations(network, pictures.citation_layout(network), "en"))
    assert "<script>" not in svg_text
    svg = ET.fromstring(svg_text)
    assert any(NASTY in (t.text or "") for t in svg.iter(f"{SVG}title"))


# --- neighbourhoods --------------------------------------------------------------------------

def test_neighbourhood_of_cambodia(site_app):
    store = store_of(site_app)
    picture = pictures.neighbourhood_svg(store, ox.NamedNode(ID + "country/KHM"), "en")
    assert isinstance(picture, Markup)
    svg = ET.fromstring(str(picture))
    check_picture_element(svg)
    links = {a.get("href"): a for a in svg.iter(f"{SVG}a")}
    assert "/id/country/KHM" in links  # the centre
    assert "/id/org/ohchr-cambodia" in links
    for paragraph in (12, 13, 14, 15):
        assert f"/id/doc/A-HRC-35-20/para/{paragraph}" in links
    eu = links["http://publications.europa.eu/resource/authority/country/KHM"]
    assert eu.get("rel") == "external"
    assert links["/id/org/ohchr-cambodia"].find(f"{SVG}text").text == "OHCHR Cambodia country office"
    edge_labels = {t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "edge-label"}
    assert {"located in or covers", "mentions", "derived from"} <= edge_labels
    # the paragraph mentions Cambodia (arrow into the centre) and Cambodia is derived from it
    tips = {p.find(f"{SVG}title").text for p in svg.iter(f"{SVG}path") if p.get("class") == "edge"}
    assert "A/HRC/35/20, paragraph 12 — mentions → Cambodia" in tips
    assert "Cambodia — derived from → A/HRC/35/20, paragraph 12" in tips
    assert not any(t.get("class") == "more" for t in svg.iter(f"{SVG}text"))


def test_neighbourhood_is_capped_and_leaves_out_types(site_app):
    store = store_of(site_app)
    svg = ET.fromstring(str(pictures.neighbourhood_svg(store, ox.NamedNode(ID + "doc/A-HRC-35-20"), "en")))
    neighbours = [a for a in svg.iter(f"{SVG}a") if "node" in (a.get("class") or "")]
    assert len(neighbours) == pictures.NEIGHBOURS_SHOWN
    more = next(t for t in svg.iter(f"{SVG}text") if t.get("class") == "more")
    assert more.text.startswith("+") and more.text.endswith("more not shown")
    hrefs = {a.get("href") for a in neighbours}
    assert "/ontology#Report" not in hrefs  # its rdf:type
    assert "/id/doc/A-RES-33-28" not in hrefs
    assert "/id/doc/A-HRC-RES-33-28" in hrefs  # requested by: a small property is not crowded out by the parts
    assert "/id/doc/A-HRC-35-20/para/1" in hrefs


def test_neighbourhood_is_empty_without_iri_neighbours():
    store = ox.Store()
    lonely = ox.NamedNode(ID + "thing/lonely")
    store.extend([ox.Quad(lonely, RDFS_LABEL, ox.Literal("lonely")), ox.Quad(lonely, RDF_TYPE, ox.NamedNode(HRC + "State"))])
    assert pictures.neighbourhood_svg(store, lonely, "en") == Markup("")


def test_neighbourhood_svg_route(client):
    response = client.get("/pictures/neighbourhood.svg", query_string={"iri": ID + "country/KHM", "lang": "zh"})
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.data)
    check_picture_element(svg)
    assert svg.find(f"{SVG}title").text == "柬埔寨 的关联"


@pytest.mark.parametrize("query, status", [
    ({}, 400),
    ({"iri": ""}, 400),
    ({"iri": "https://example.org/thing"}, 400),
    ({"iri": ID + "country/K H M"}, 400),
    ({"iri": ID + "country/XXX"}, 404),
])
def test_neighbourhood_svg_route_errors(client, query, status):
    response = client.get("/pictures/neighbourhood.svg", query_string=query, headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.mimetype == "application/json"
