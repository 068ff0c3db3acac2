"""Facts the curated graph must hold, asked as a user would: with SPARQL."""

from hrckg.namespaces import PREFIXES

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
DRAFT = "<https://w3id.org/hrckg/id/doc/HRC-51-draft-technical-cooperation>"
REPORT = "<https://w3id.org/hrckg/id/doc/A-HRC-35-20>"


def rows(graph, query):
    return [tuple(str(value) if value is not None else None for value in row) for row in graph.query(PROLOGUE + query)]


def test_the_draft_has_31_sponsors_13_of_them_council_members(curated):
    assert rows(curated, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {DRAFT} hrc:sponsoredBy ?s . ?s a hrc:State }}") == [("31",)]
    members = rows(curated, f"""SELECT ?code WHERE {{ {DRAFT} hrc:sponsorship ?r . ?r hrc:councilMember true ;
                                hrc:sponsor/hrc:isoAlpha3 ?code }} ORDER BY ?code""")
    assert [code for (code,) in members] == ["ARG", "BRA", "HND", "IDN", "LUX", "MNE", "MYS", "NPL", "PAK",
                                             "PRY", "QAT", "SOM", "UKR"]


def test_report_was_requested_by_hrc_resolution_33_28(curated):
    assert rows(curated, f"SELECT ?r WHERE {{ {REPORT} hrc:requestedBy ?r }}") == [
        ("https://w3id.org/hrckg/id/doc/A-HRC-RES-33-28",)]


def test_five_states_gave_input_to_the_report(curated):
    found = rows(curated, f"""SELECT ?name WHERE {{ {REPORT} hrc:inputFrom ?s . ?s a hrc:State ; rdfs:label ?name .
                              FILTER(lang(?name) = "en") }} ORDER BY ?name""")
    assert [name for (name,) in found] == ["Germany", "Kuwait", "North Macedonia", "Qatar", "Serbia"]


def test_sessions_35_and_51_have_their_masthead_dates(curated):
    assert rows(curated, """SELECT ?n ?start ?end WHERE { ?s hrc:sessionNumber ?n ; hrc:startDate ?start ;
                            hrc:endDate ?end } ORDER BY ?n""") == [
        ("35", "2017-06-06", "2017-06-23"), ("51", "2022-09-12", "2022-10-07")]


def test_every_operative_paragraph_has_a_verb(curated):
    assert rows(curated, f"""SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p hrc:partOf {DRAFT} ; a hrc:OperativeParagraph ;
                            hrc:operativeVerb ?v }}""") == [("14",)]
    requests = rows(curated, f"""SELECT ?number WHERE {{ ?p hrc:partOf {DRAFT} ; hrc:paragraphNumber ?number ;
                                hrc:operativeVerb <{PREFIXES['vocab']}operative-verb/requests> ;
                                hrc:addressee <https://w3id.org/hrckg/id/org/high-commissioner> }} ORDER BY ?number""")
    assert requests == [("12",), ("13",)]


def test_paragraph_text_is_chinese_and_findable(curated):
    found = rows(curated, """SELECT ?p WHERE { ?p hrc:text ?t . FILTER(CONTAINS(?t, "1993 年人权高专办在柬埔寨设立第一个办事处")) }""")
    assert found == [("https://w3id.org/hrckg/id/doc/A-HRC-35-20/para/12",)]
    assert rows(curated, "SELECT DISTINCT (lang(?t) AS ?l) WHERE { ?p hrc:text ?t }") == [("zh",)]


def test_every_curated_resource_points_to_its_source_paragraph(curated):
    """Resources in our namespace, other than the documents' own parts, carry prov:wasDerivedFrom a paragraph."""
    unsourced = rows(curated, """
        SELECT DISTINCT ?s WHERE {
          ?s a ?type . FILTER(STRSTARTS(STR(?s), "https://w3id.org/hrckg/id/"))
          FILTER NOT EXISTS { ?s hrc:partOf ?document }
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?part . ?part hrc:partOf ?anyDocument }
        } ORDER BY ?s""")
    assert unsourced == []


def test_no_dangling_links_inside_our_namespace(curated):
    dangling = rows(curated, """
        SELECT DISTINCT ?o WHERE {
          ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), "https://w3id.org/hrckg/id/"))
          FILTER NOT EXISTS { ?o a ?type }
        } ORDER BY ?o""")
    assert dangling == []


def test_curated_data_conforms_to_the_shapes():
    from hrckg.validation import validate
    from hrckg import graph as files

    report = validate(files.load(files.data_files()))
    violations = [(str(r.focus_node), str(r.path), r.message_en) for r in report.results if r.severity == "Violation"]
    assert violations == []
    assert report.conforms
