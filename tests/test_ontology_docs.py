"""GET /ontology (and its version IRI): documentation generated from the ontology graph, or the RDF."""

from collections import Counter
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from hrckg import graph as files

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HRC = "https://w3id.org/hrckg/ontology#"
ONTOLOGY = "https://w3id.org/hrckg/ontology"
ONTOLOGY_FILE = files.ONTOLOGY_DIR / "hrckg.ttl"
VOCABULARY_FILE = files.ONTOLOGY_DIR / "vocabularies.ttl"


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, dict(attrs), []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Descendants with this tag whose attributes have these values (class_ matches one class)."""
        wanted_class = attrs.pop("class_", None)
        return [e for e in self.iter() if (tag is None or e.tag == tag)
                and all(e.attrs.get(k) == v for k, v in attrs.items())
                and (wanted_class is None or wanted_class in (e.attrs.get("class") or "").split())]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]


class Document(HTMLParser):
    """A small DOM from the stdlib parser: enough to look at structure, not only substrings."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.root = self.current = Element("#document", {})
        self.stack = [self.root]
        self.feed(html)
        self.close()
        self.ids: dict[str, list[Element]] = {}
        for element in self.root.iter():
            if "id" in element.attrs:
                self.ids.setdefault(element.attrs["id"], []).append(element)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def by_id(self, anchor) -> Element:
        found = self.ids.get(anchor, [])
        assert len(found) == 1, f"{len(found)} elements with id={anchor!r}"
        return found[0]


@pytest.fixture(scope="module")
def ontology_file() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def vocabulary_file() -> Graph:
    return Graph().parse(VOCABULARY_FILE, format="turtle")


@pytest.fixture(scope="module")
def store(site_app):
    return site_app.extensions["hrckg.store"].get()


@pytest.fixture(scope="module")
def page(site_app) -> Document:
    response = site_app.test_client().get("/ontology", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert response.status_code == 200
    return Document(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def page_zh(site_app) -> Document:
    response = site_app.test_client().get("/ontology?lang=zh", headers={"Accept": BROWSER})
    assert response.status_code == 200
    return Document(response.get_data(as_text=True))


def texts(graph: Graph, subject, predicate) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def count(store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)


# ---------------------------------------------------------------- HTML

def test_browser_gets_html(client):
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]


def test_every_class_and_property_has_exactly_one_anchor(page, ontology_file):
    ids = Counter({anchor: len(elements) for anchor, elements in page.ids.items()})
    terms = [s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology_file.subjects(RDF.type, kind) if isinstance(s, URIRef)]
    assert len(terms) == 124  # 44 classes, 48 object and 32 datatype properties
    for term in terms:
        assert str(term).startswith(HRC)
        assert ids[str(term)[len(HRC):]] == 1, term
    assert [anchor for anchor, n in ids.items() if n > 1] == []  # no id is used twice anywhere


def test_term_sections_are_grouped_by_kind(page, ontology_file):
    for anchor, kind in (("classes", OWL.Class), ("object-properties", OWL.ObjectProperty),
                         ("datatype-properties", OWL.DatatypeProperty)):
        section = page.by_id(anchor)
        shown = {e.attrs["id"] for e in section.find_all("section", class_="term")}
        assert shown == {str(s)[len(HRC):] for s in ontology_file.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    assert page.root.find_all(id="annotation-properties") == []  # the ontology declares none


def test_metadata(page):
    header = page.by_id("metadata")
    assert header.find("h1").text() == "hrckg ontology"
    assert "人权理事会技术合作与能力建设知识图谱本体" in header.text()
    assert "Classes and properties for resolutions" in header.text()
    assert page.by_id("version").text() == "0.1.0"
    assert header.find("a", href="/ontology/0.1.0")
    assert page.by_id("licence").find("a").attrs["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert page.by_id("prefix").text().startswith("hrc:")
    assert {a.attrs["href"] for a in header.find("dd", class_="formats").find_all("a")} == {
        "?format=turtle", "?format=ntriples", "?format=rdfxml", "?format=jsonld"}


def test_table_of_contents_links_every_section_and_term(page, ontology_file):
    toc = page.by_id("toc")
    hrefs = {a.attrs["href"] for a in toc.find_all("a")}
    assert {"#classes", "#object-properties", "#datatype-properties", "#vocabularies"} <= hrefs
    assert {"#State", "#Resolution", "#sponsoredBy", "#isoAlpha3"} <= hrefs
    assert {"#" + str(s)[len(HRC):] for s in ontology_file.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)} <= hrefs
    for href in hrefs:  # every link of the table of contents has its target
        page.by_id(href[1:])


def test_class_has_both_languages_hierarchy_and_properties(page, ontology_file):
    state = page.by_id("State")
    for lang, definition in texts(ontology_file, URIRef(HRC + "State"), SKOS.definition).items():
        assert state.find("p", lang=lang).text().startswith(definition)
    labels = [(e.attrs["lang"], e.text().split()[0]) for e in state.find("dl").find_all("span") if "lang" in e.attrs]
    assert labels == [("en", "State"), ("zh", "国家")]
    parents = state.find("dd", class_="parents")
    assert parents.find("a", href="#Place").text() == "hrc:Place"
    outside = parents.find("a", href="http://www.w3.org/ns/org#FormalOrganization")
    assert outside.text() == "org:FormalOrganization" and "external" in outside.attrs["class"]
    assert state.find("dd", class_="disjoint").find("a", href="#Territory")
    assert page.by_id("Territory").find("dd", class_="disjoint").find("a", href="#State")  # both ways
    assert [a.attrs["href"] for a in state.find("dd", class_="domain-of").find_all("a")] == [
        "#isoAlpha2", "#isoAlpha3", "#isoNumeric"]
    assert "#sponsor" in [a.attrs["href"] for a in state.find("dd", class_="range-of").find_all("a")]


def test_subclasses_link_back(page):
    document = page.by_id("Document")
    children = {a.attrs["href"] for a in document.find("dd", class_="children").find_all("a")}
    assert children == {"#Resolution", "#DraftResolution", "#Report", "#Treaty", "#Declaration", "#Publication",
                        "#Statement", "#NationalInstrument"}
    entity = page.by_id("Citation").find("dd", class_="parents").find("a", href="http://www.w3.org/ns/prov#Entity")
    assert entity.text() == "prov:Entity"


def test_instance_counts_link_to_the_browser(page, store):
    state = page.by_id("State").find("dd", class_="count")
    expected = count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/hrckg/ontology#State> }")
    assert expected == 57
    assert int(state.find("data").attrs["value"]) == expected
    assert state.find("a").attrs["href"] == "/browse/hrc:State"


def test_property_documentation(page, store, ontology_file):
    has_part = page.by_id("hasPart")
    for lang, definition in texts(ontology_file, URIRef(HRC + "hasPart"), SKOS.definition).items():
        assert has_part.find("p", lang=lang).text().startswith(definition)
    assert [a.attrs["href"] for a in has_part.find("dd", class_="domain").find_all("a")] == ["#Document"]
    assert has_part.find("dd", class_="range").find("a").text() == "eli:LegalResourceSubdivision"
    assert {a.text() for a in has_part.find("dd", class_="parents").find_all("a")} == {"eli:has_part", "dcterms:hasPart"}
    assert has_part.find("dd", class_="inverse").find("a").attrs["href"] == "#partOf"
    assert page.by_id("partOf").find("dd", class_="inverse").find("a").attrs["href"] == "#hasPart"
    triples = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://w3id.org/hrckg/ontology#hasPart> ?o }")
    assert triples > 0
    assert int(has_part.find("dd", class_="count").find("data").attrs["value"]) == triples
    assert "object property" in has_part.text()
    assert "datatype property" in page.by_id("isoAlpha3").text()
    assert page.by_id("recommendingState").find("dd", class_="parents").find("a").attrs["href"] == "#issuedBy"
    assert page.by_id("issuedBy").find("dd", class_="children").find("a").attrs["href"] == "#recommendingState"


def test_union_domain(page):
    domain = page.by_id("session").find("dd", class_="domain")
    assert "union of" in domain.text()
    assert [a.attrs["href"] for a in domain.find_all("a")] == ["#Document", "#Meeting"]
    meeting_uses = page.by_id("Meeting").find("dd", class_="domain-of")
    assert "#session" in [a.attrs["href"] for a in meeting_uses.find_all("a")]


def test_chosen_language_comes_first(page, page_zh):
    for document, first, second in ((page, "en", "zh"), (page_zh, "zh", "en")):
        definitions = document.by_id("Resolution").find("dd", class_="definitions").find_all("p")
        assert [p.attrs["lang"] for p in definitions] == [first, second]
    assert page_zh.by_id("Resolution").find("h3").text().startswith("决议")
    assert page_zh.by_id("metadata").find("h1").text() == "人权理事会技术合作与能力建设知识图谱本体"
    assert page_zh.by_id("toc").find("a", href="#classes").text() == "类"


def test_every_label_and_definition_is_shown_in_both_languages(page, ontology_file):
    for term in set(ontology_file.subjects(RDF.type, OWL.Class)) | set(ontology_file.subjects(RDF.type, OWL.ObjectProperty)):
        if not isinstance(term, URIRef):
            continue  # a union of classes
        section = page.by_id(str(term)[len(HRC):])
        for predicate in (RDFS.label, SKOS.definition):
            values = texts(ontology_file, term, predicate)
            assert set(values) == {"en", "zh"}, term
            for lang, text in values.items():
                assert any(e.text().startswith(text) for e in section.find_all(lang=lang)), (term, lang)


def test_concept_schemes_and_their_concepts(page, vocabulary_file):
    section = page.by_id("vocabularies")
    schemes = set(vocabulary_file.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(section.find_all("section", class_="scheme")) == len(schemes) == 7
    verbs = page.by_id("vocab-operative-verb")
    assert verbs.find("h3").find("a").attrs["href"] == "/vocab/operative-verb"
    decides = verbs.find("a", href="/vocab/operative-verb/decides")
    row = next(tr for tr in verbs.find_all("tr") if decides in tr.iter())
    assert row.find("div", lang="en").text().startswith("decides")
    assert row.find("div", lang="zh").text().startswith("决定")
    assert row.find("p", lang="en").text().startswith("Takes a decision binding")
    strongly = next(tr for tr in verbs.find_all("tr") if tr.find_all("a", href="/vocab/operative-verb/strongly-encourages"))
    assert "depth-1" in strongly.attrs["class"] and strongly.find_all("a", href="/vocab/operative-verb/encourages")
    concept_links = {a.attrs["href"] for a in section.find_all("a") if a.attrs.get("href", "").count("/") == 3}
    assert concept_links == {"/" + str(c)[len("https://w3id.org/hrckg/"):]
                             for c in vocabulary_file.subjects(RDF.type, SKOS.Concept)}


def test_no_inline_styles_or_scripts(page):
    assert page.root.find_all("style") == []
    assert all("src" in e.attrs for e in page.root.find_all("script"))
    assert [e.tag for e in page.root.iter() if "style" in e.attrs] == []


def test_version_iri_serves_the_same_page(client):
    response = client.get("/ontology/0.1.0", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert Document(response.get_data(as_text=True)).by_id("State")
    assert client.get("/ontology/0.0.9").status_code == 404
    assert client.get("/ontology/0.1.0/State").status_code == 404


# ---------------------------------------------------------------- RDF

def parse_triples(data, rdf_format) -> set:
    """The triples of a document (pyoxigraph parses every format to quads in the default graph)."""
    return {quad.triple for quad in ox.parse(data, format=rdf_format)}


def ground(triples) -> set:
    """The triples without blank nodes: those two serializations must share exactly."""
    return {t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)}


@pytest.mark.parametrize("accept, media_type, rdf_format", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("text/turtle;q=0.5, text/html;q=0.1", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_rdf_by_accept(client, accept, media_type, rdf_format):
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    triples = parse_triples(response.data, rdf_format)
    ontology = ox.NamedNode(ONTOLOGY)
    assert ox.Triple(ontology, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology))) in triples
    assert ox.Triple(ox.NamedNode("https://w3id.org/hrckg/vocab/operative-verb"), ox.NamedNode(str(RDF.type)),
                     ox.NamedNode(str(SKOS.ConceptScheme))) in triples  # the vocabularies come along
    in_files = set().union(*(parse_triples(path.read_bytes(), ox.RdfFormat.TURTLE)
                             for path in (ONTOLOGY_FILE, VOCABULARY_FILE)))
    assert ground(triples) == ground(in_files)
    assert len(triples) == len(in_files)


@pytest.mark.parametrize("name, media_type", [("jsonld", "application/ld+json"), ("turtle", "text/turtle"),
                                              ("ntriples", "application/n-triples"), ("rdfxml", "application/rdf+xml"),
                                              ("html", "text/html")])
def test_format_parameter_wins_over_accept(client, name, media_type):
    response = client.get(f"/ontology?format={name}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == media_type


def test_jsonld_parses(client):
    response = client.get("/ontology?format=jsonld")
    assert response.mimetype == "application/ld+json"
    triples = parse_triples(response.data, ox.RdfFormat.JSON_LD)
    assert ox.Triple(ox.NamedNode(ONTOLOGY), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology))) in triples
    assert ox.Triple(ox.NamedNode(HRC + "State"), ox.NamedNode(str(RDFS.label)), ox.Literal("国家", language="zh")) in triples


def test_version_iri_serves_the_same_rdf(client):
    current = client.get("/ontology", headers={"Accept": "text/turtle"})
    versioned = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert versioned.status_code == 200
    assert versioned.data == current.data


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "image/png",
                                    "text/html;q=0, text/turtle;q=0, */*;q=0"])
def test_unacceptable_accept_is_406(client, accept):
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers.get("Content-Type", "").split(";")[0] in ("text/plain", "text/html", "application/json")


def test_format_parameter_errors(client):
    assert client.get("/ontology?format=csv").status_code == 406  # known, but not for this page
    response = client.get("/ontology?format=docx", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "docx" in response.get_json()["error"]["message"]


def test_curl_gets_html(client):
    """curl sends Accept: */*: people first."""
    response = client.get("/ontology", headers={"Accept": "*/*"})
    assert response.mimetype == "text/html"
