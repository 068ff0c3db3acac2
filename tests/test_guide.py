"""The contributor guide (server/guide.py): generated from the shapes, class by class, with worked
examples that pass validation, and templates that report their placeholders until filled in."""

import re

import html5lib
import pyoxigraph as ox
import pytest
from rdflib import RDFS, URIRef

from hrckg import contributions, graph as files, guide
from hrckg.store import curated_store

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HRC = "https://w3id.org/hrckg/ontology#"
ID = "https://w3id.org/hrckg/id/"
TEMPLATES = ("recommendation", "report", "resolution")


@pytest.fixture(scope="module")
def store():
    return curated_store()


@pytest.fixture(scope="module")
def built():
    return guide.build_guide()


@pytest.fixture(scope="module")
def classes(built):
    return {c.name: c for c in built.classes}


@pytest.fixture(scope="module")
def client(store):
    from hrckg.app import create_app

    app = create_app({"QUERY_PROCESSES": 1}, store=store)
    if "guide" not in app.blueprints:
        app.register_blueprint(guide.blueprint)
    yield app.test_client()
    app.extensions["hrckg.pool"].close()


def rows(cls) -> dict:
    """{property: [(shape, count, severity, languages)]} of a class, as the guide lists them."""
    return {group.path.text: [(r.shape.text, r.cardinality, r.severity, r.languages) for r in group.requirements]
            for group in cls.properties}


def status(cls, prop: str) -> str:
    return next(group.status for group in cls.properties if group.path.text == prop)


def words(tokens) -> str:
    return "".join(t.en if t.kind == "words" else t.text for t in tokens)


def example_of(built, name: str) -> str:
    return next(c.example.resource.iri for c in built.classes if c.name == name)


# ---------------------------------------------------------------- the model follows the shapes


def test_every_class_a_shape_targets_has_a_section_and_others_are_named():
    """Classes targeted by sh:targetClass, and their subclasses, each get a section; the service
    description's class, outside our ontology, is named as left out."""
    merged = files.load(files.shapes_files() + files.ontology_files())
    found = merged.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?class WHERE { ?shape sh:targetClass ?target . ?class rdfs:subClassOf* ?target }""")
    expected = {str(c) for (c,) in found if str(c).startswith(HRC)}
    built = guide.build_guide()
    assert {c.iri for c in built.classes} == expected
    assert [r.iri for r in built.skipped] == ["http://www.w3.org/ns/sparql-service-description#Service"]
    assert {"State", "DraftResolution", "Report", "Recommendation", "Sponsorship", "Place"} <= {c.name for c in built.classes}


def test_state_needs_iso_codes_and_labels_in_both_languages(classes):
    state = rows(classes["State"])
    assert state["hrc:isoAlpha3"] == [("hrcsh:State-isoAlpha3", "1..1", "Violation", [])]
    assert state["hrc:isoNumeric"] == [("hrcsh:State-isoNumeric", "0..1", "Violation", [])]
    assert state["rdfs:label"] == [
        ("hrcsh:CuratedResource-labelEn", "1..*", "Violation", ["en"]),
        ("hrcsh:CuratedResource-labelZh", "1..*", "Violation", ["zh"]),
        ("hrcsh:Range-label", "–", "Violation", []),
        ("hrcsh:CuratedResource-labelPerLanguage", "–", "Warning", [])]
    assert state["prov:wasDerivedFrom"] == [("hrcsh:CuratedResource-derivedFrom", "1..*", "Violation", []),
                                            ("hrcsh:Range-wasDerivedFrom", "–", "Violation", [])]
    alpha3 = next(g for g in classes["State"].properties if g.path.text == "hrc:isoAlpha3").requirements[0]
    assert words(alpha3.value) == "datatype xsd:string; matches ^[A-Z]{3}$"
    assert alpha3.messages["en"].startswith("A State needs exactly one hrc:isoAlpha3")
    assert "\u4e09\u4e2a\u5927\u5199\u5b57\u6bcd" in alpha3.messages["zh"]  # 三个大写字母
    assert classes["State"].properties[0].path.labels == {"en": "ISO 3166-1 alpha-2 code", "zh": "ISO 3166-1 二位字母代码"}


def test_shapes_of_superclasses_apply_with_their_rules(classes):
    """hrc:State gets the shapes targeting hrc:Place, and the place rule (exactly one of State or Territory)."""
    applied = {(a.shape.text, a.target.text) for a in classes["State"].shapes}
    assert applied == {("hrcsh:StateShape", "hrc:State"), ("hrcsh:PlaceShape", "hrc:Place"),
                       ("hrcsh:CuratedResourceShape", "hrc:Place")}
    place = next(a for a in classes["State"].shapes if a.shape.text == "hrcsh:PlaceShape")
    assert words(place.rule) == "an instance of exactly one of hrc:State or hrc:Territory"
    resolution = next(a for a in classes["Resolution"].shapes if a.shape.text == "hrcsh:ResolutionShape")
    assert words(resolution.rule) == "not an instance of hrc:DraftResolution"


def test_inverse_paths_value_shapes_and_standalone_shapes(classes):
    sponsorship = rows(classes["Sponsorship"])
    assert sponsorship["^hrc:sponsorship"] == [("hrcsh:Sponsorship-draft", "1..1", "Violation", [])]
    assert sponsorship["hrc:councilMember"] == [("hrcsh:Sponsorship-councilMember", "1..1", "Violation", [])]
    assert sponsorship["rdfs:label"][1:] == [("hrcsh:Record-labelEn", "1..*", "Warning", ["en"]),
                                            ("hrcsh:Record-labelZh", "1..*", "Warning", ["zh"])]
    assert status(classes["Sponsorship"], "rdfs:label") == "recommended"
    recommendation = classes["Recommendation"]
    issued = next(g for g in recommendation.properties if g.path.text == "hrc:issuedBy")
    assert (issued.status, issued.requirements[0].cardinality) == ("required", "1..*")
    assert words(issued.requirements[0].value) == ("conforms to hrcsh:Agent (an instance of org:Agent or "
                                                   "org:FormalOrganization or org:Organization or org:OrganizationalUnit)")
    # A standalone shape (sh:targetSubjectsOf) joins the properties the ontology allows for the class.
    assert rows(recommendation)["hrc:theme"] == [("hrcsh:Range-theme", "–", "Violation", [])]
    theme = next(g for g in recommendation.properties if g.path.text == "hrc:theme").requirements[0]
    assert words(theme.value) == "conforms to hrcsh:ThemeConcept (skos:inScheme: includes vocab:theme)"
    assert status(classes["Document"], "hrc:date") == "recommended"  # only a Warning asks for it
    assert status(classes["Report"], "hrc:symbol") == "optional"


def test_the_guide_changes_when_a_shape_does(tmp_path):
    """Nothing is written per class: make the ISO numeric code required in a copy of the shapes and
    the guide says so."""
    sources = []
    for source in files.sources():
        if source.path.name == "actors-shapes.ttl":
            text = source.path.read_text(encoding="utf-8")
            changed = text.replace("sh:path hrc:isoNumeric ;", "sh:path hrc:isoNumeric ;\n    sh:minCount 1 ;")
            assert changed != text
            copy = tmp_path / source.path.name
            copy.write_text(changed, encoding="utf-8")
            source = files.Source(copy, source.graph_iri)
        sources.append(source)
    state = next(c for c in guide.build_guide(sources).classes if c.name == "State")
    assert rows(state)["hrc:isoNumeric"] == [("hrcsh:State-isoNumeric", "1..1", "Violation", [])]
    assert status(state, "hrc:isoNumeric") == "required"


def test_checks_across_the_graph_are_listed(built):
    names = {check.shape.text for check in built.checks}
    assert {"hrcsh:NoDanglingLinkShape", "hrcsh:DocumentIRIShape", "hrcsh:StateIRIShape",
            "hrcsh:DeclaredTermShape"} <= names
    assert not names & {"hrcsh:Agent", "hrcsh:ChineseLiteral", "hrcsh:SourcePart"}  # value shapes are not checks


# ---------------------------------------------------------------- worked examples


def data_triples(node: str) -> set[str]:
    """Every triple about node in data/, in N-Triples form, read from the files."""
    found = set()
    for path in files.data_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            if quad.subject == ox.NamedNode(node):
                found.add(f"{quad.subject} {quad.predicate} {quad.object}")
    return found


def test_each_worked_example_is_its_resources_description_exactly(built):
    """Parsed from the exact text shown, each example holds exactly the triples data/ states about a
    resource of its class, with no literal changed; as data/ conforms to the shapes (test_data.py),
    each example passes validation merged with the curated graph."""
    ontology = files.load(files.ontology_files())
    with_examples = [c for c in built.classes if c.example]
    assert len(with_examples) >= len(built.classes) - 1  # hrc:Contribution has none until something is ingested
    for cls in with_examples:
        parsed = contributions.parse(cls.example.turtle.encode(), f"{cls.name}.ttl")
        assert {f"{t.subject} {t.predicate} {t.object}" for t in parsed.triples} == data_triples(cls.example.resource.iri), cls.name
        types = {t.object.value for t in parsed.triples if t.predicate.value.endswith("22-rdf-syntax-ns#type")}
        subclasses = {str(s) for s in ontology.transitive_subjects(RDFS.subClassOf, URIRef(cls.iri))}
        assert types & subclasses, f"{cls.name}: {cls.example.resource.iri} is not one"
        assert cls.example.turtle.startswith(f"# {cls.curie}: {cls.example.resource.iri}\n")


def test_worked_examples_are_the_most_complete_readable_descriptions(built, classes):
    """The choice is stable (built twice, the same) and follows the rule: among direct instances
    with at most EXAMPLE_MAX_TRIPLES triples, the most distinct properties."""
    assert [c.example and c.example.resource.iri for c in guide.build_guide().classes] == \
        [c.example and c.example.resource.iri for c in built.classes]
    states = ox.Store()
    for path in files.data_files():
        states.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    counts = {row["s"].value: (int(row["n"].value), int(row["p"].value)) for row in states.query(f"""
        SELECT ?s (COUNT(*) AS ?n) (COUNT(DISTINCT ?q) AS ?p) WHERE {{ ?s a <{HRC}State> ; ?q ?o }} GROUP BY ?s""")}
    readable = {s: p for s, (n, p) in counts.items() if n <= guide.EXAMPLE_MAX_TRIPLES}
    chosen = classes["State"].example.resource.iri
    assert readable[chosen] == max(readable.values())


def test_every_worked_example_passes_validation(store, built):
    """Each example parses on its own; all of them, as one contribution, pass contributions.check
    merged with the curated graph (they restate it, so nothing is added)."""
    texts = [c.example.turtle for c in built.classes if c.example]
    for text in texts:
        contributions.parse(text.encode(), "example.ttl")
    outcome = contributions.check(store, contributions.parse("\n".join(texts).encode(), "examples.ttl"))
    violations = [(str(r.focus_node), str(r.path), str(r.source_shape)) for r in outcome.report.results
                  if r.severity == "Violation"]
    assert violations == []
    assert outcome.report.conforms
    assert outcome.diff.new == {} and outcome.diff.touched == {}


# ---------------------------------------------------------------- templates

# Test-only values for the placeholders: a fictional document (HRC session 99 has not been held),
# linked to resources that exist in the curated graph. FICTIONAL: never to be contributed.
FICTIONAL = {
    "resolution": [
        ('"TODO A/HRC/{session}/L.{number}, as printed"', '"A/HRC/99/L.99"'),
        ("TODO-A-HRC-session-L.number", "A-HRC-99-L.99"),
        ("TODO-ISO3-first", "ALB"), ("TODO-ISO3-second", "ARG"),
        ("session/TODO-hrc-session", "session/hrc-51"), ("agenda-item/TODO-hrc-item", "agenda-item/hrc-10"),
        ("theme/TODO-theme", "theme/technical-cooperation"),
        ("preambular-verb/TODO-verb", "preambular-verb/recalling"), ("operative-verb/TODO-verb", "operative-verb/requests"),
        ("org/TODO-addressee", "org/ohchr"),
    ],
    "report": [
        ('"TODO A/HRC/{session}/{number}, as printed"', '"A/HRC/99/99"'),
        ("TODO-A-HRC-RES-session-number", "A-HRC-RES-33-28"), ("TODO-A-HRC-session-number", "A-HRC-99-99"),
        ("session/TODO-hrc-session", "session/hrc-35"), ("agenda-item/TODO-hrc-item", "agenda-item/hrc-10"),
        ("org/TODO-author", "org/ohchr"), ("https://undocs.org/zh/TODO-symbol", "https://undocs.org/zh/A/HRC/99/99"),
    ],
    "recommendation": [
        ('"TODO A/HRC/{session}/{number}, as printed"', '"A/HRC/99/99"'),
        ("TODO-A-HRC-session-number", "A-HRC-99-99"), ("para/TODO-number", "para/99"),
        ("TODO-upr-state-topic", "fictional-test-recommendation"),
        ("TODO-ISO3-recommending", "DEU"), ("TODO-ISO3-under-review", "KHM"),
        ("theme/TODO-theme", "theme/elections"), ("affected-persons/TODO-group", "affected-persons/children"),
        ("sdg/TODO-target", "sdg/16.3"), (ID + "org/TODO-institution", ID + "country/KHM"),
    ],
}


def filled(name: str) -> str:
    text = (guide.TEMPLATES_DIR / f"{name}.ttl").read_text(encoding="utf-8")
    for placeholder, value in FICTIONAL[name]:
        assert placeholder in text, placeholder
        text = text.replace(placeholder, value)
    return re.sub(r'"TODO[^"]*"', '"FICTIONAL TEST VALUE 虚构测试值"', text)


def test_templates_are_listed_and_not_loaded_as_shapes(built):
    assert [t.name for t in built.templates] == list(TEMPLATES)
    assert not [path for path in files.shapes_files() if "templates" in path.parts]
    assert built.templates[2].titles["zh"] == "人权理事会决议草案模板：提案国、序言段和执行段"


@pytest.mark.parametrize("name", TEMPLATES)
def test_unfilled_template_parses_and_reports_its_placeholders(store, name):
    text = (guide.TEMPLATES_DIR / f"{name}.ttl").read_bytes()
    outcome = contributions.check(store, contributions.parse(text, f"{name}.ttl"))
    assert not outcome.report.conforms
    violations = [r for r in outcome.report.results if r.severity == "Violation"]
    assert all("TODO" in str(r.value) for r in violations), [(str(r.focus_node), str(r.value)) for r in violations
                                                             if "TODO" not in str(r.value)]
    found = {(str(r.focus_node).removeprefix(ID), str(r.path).removeprefix(HRC), str(r.source_shape).rsplit("#")[-1])
             for r in violations}
    document = {"resolution": "doc/TODO-A-HRC-session-L.number"}.get(name, "doc/TODO-A-HRC-session-number")
    assert (document, "symbol", "Document-symbol") in found  # the symbol does not match the UN pattern
    expected = {
        "resolution": {(document + "/sponsorship/TODO-ISO3-first", "sponsor", "Sponsorship-sponsor"),
                       (document, "sponsoredBy", "NoDanglingLinkShape")},
        "report": {(document, "requestedBy", "Report-requestedBy"),
                   (document + "/para/1/cites/TODO-A-HRC-RES-session-number", "citedDocument", "Citation-citedDocument")},
        "recommendation": {("recommendation/TODO-upr-state-topic", "recommendingState", "Recommendation-recommendingState"),
                           ("recommendation/TODO-upr-state-topic", "theme", "Range-theme")},
    }[name]
    assert expected <= found


@pytest.mark.parametrize("name", TEMPLATES)
def test_filled_template_conforms(store, name):
    contribution = contributions.parse(filled(name).encode(), f"{name}.ttl")
    assert not [t for t in contribution.triples if "TODO" in str(t)], "a placeholder was left"
    outcome = contributions.check(store, contribution)
    assert [(str(r.focus_node), str(r.path), str(r.source_shape)) for r in outcome.report.results
            if r.severity == "Violation"] == []
    assert outcome.report.conforms
    assert outcome.diff.touched == {} and len(outcome.diff.new) >= 5  # only new resources


# ---------------------------------------------------------------- the page, the files and the Markdown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_guide_page_is_valid_html_with_an_anchor_per_class(client, built, lang):
    response = client.get(f"/contribute/guide?lang={lang}", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(body)
    assert document.get("lang") == lang
    assert not document.findall(".//style") and not [e for e in document.iter() if "style" in e.attrib]
    assert not [s for s in document.iter("script") if not s.get("src", "").startswith("/static/")]
    anchors = {e.get("id") for e in document.iter() if e.get("id")}
    assert {c.name for c in built.classes} <= anchors
    links = {a.get("href") for a in document.iter("a")}
    assert {t.url for t in built.templates} <= links
    assert example_of(built, "State").removeprefix("https://w3id.org/hrckg") in links  # our resource pages
    assert "/shapes#State-isoAlpha3" in links and "/ontology#State" in links
    assert "/static/guide.css" in {link.get("href") for link in document.iter("link")}
    title = document.find(".//h1").text
    assert title == {"en": "Contributor guide", "zh": "贡献者指南"}[lang]
    state = document.find(".//section[@id='State']")
    assert "hrc:isoAlpha3" in "".join(state.itertext())
    assert ("缺少中文标签" in body) == (lang == "zh")  # messages in the reader's language


def test_templates_are_served_as_turtle(client):
    for name in TEMPLATES:
        response = client.get(f"/contribute/templates/{name}.ttl")
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        assert response.get_data() == (guide.TEMPLATES_DIR / f"{name}.ttl").read_bytes()
    for missing in ("/contribute/templates/nothing.ttl", "/contribute/templates/..%2Fhrckg-shapes.ttl",
                    "/contribute/templates/resolution.txt"):
        assert client.get(missing).status_code == 404, missing


def test_markdown_has_every_class_and_its_example(built):
    text = guide.render_markdown(built)
    for cls in built.classes:
        assert f'<a id="{cls.name}"></a>' in text
        if cls.example:
            assert "```turtle\n" + cls.example.turtle in text
    assert "- [`resolution.ttl`](templates/resolution.ttl)" in text
    assert re.search(r"^\[\d+\]: https://w3id.org/hrckg/shapes#State-isoAlpha3$", text, re.M)


def test_committed_guide_is_up_to_date():
    """shapes/GUIDE.md is the output of `hrckg guide`; regenerate it when shapes, ontology or data change."""
    committed = guide.GUIDE_FILE.read_text(encoding="utf-8").rstrip("\n")
    assert committed == guide.markdown().rstrip("\n"), "shapes/GUIDE.md is stale: run hrckg guide > shapes/GUIDE.md"
