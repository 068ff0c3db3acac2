"""The Service Description (GET /sparql) and the VoID description (/.well-known/void) of the curated graph."""

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, VOID, XSD

from hrckg import graph as files
from hrckg.app import create_app
from hrckg.namespaces import HRC

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENDPOINT = URIRef("http://localhost/sparql")
DATASET = URIRef("https://w3id.org/hrckg/dataset")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app():
    app = create_app({"QUERY_PROCESSES": 1})
    yield app
    app.extensions["hrckg.pool"].close()


@pytest.fixture(scope="module")
def store(app):
    return app.extensions["hrckg.store"].get()


@pytest.fixture(scope="module")
def service(app) -> Graph:
    response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


@pytest.fixture(scope="module")
def void(app) -> Graph:
    response = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.data, format="turtle")


def count(store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)


def test_service_description_basics(service):
    assert (ENDPOINT, RDF.type, SD.Service) in service
    assert service.value(ENDPOINT, SD.endpoint) == ENDPOINT
    assert service.value(ENDPOINT, SD.supportedLanguage) == SD.SPARQL11Query
    assert set(service.objects(ENDPOINT, SD.feature)) == {SD.UnionDefaultGraph}  # no SERVICE by default
    formats = {str(f).rsplit("/", 1)[1] for f in service.objects(ENDPOINT, SD.resultFormat)}
    assert formats == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                       "Turtle", "N-Triples", "RDF_XML", "JSON-LD"}


def test_service_description_states_the_limits(service):
    assert service.value(ENDPOINT, HRC.queryTimeout) == Literal("30.0", datatype=XSD.decimal)
    assert service.value(ENDPOINT, HRC.resultRowLimit).toPython() == 10_000
    assert service.value(ENDPOINT, HRC.responseByteLimit).toPython() == 64 << 20
    assert service.value(ENDPOINT, HRC.requestByteLimit).toPython() == 1 << 20


def test_service_description_lists_every_named_graph_with_its_size(service, store):
    dataset = service.value(ENDPOINT, SD.defaultDataset)
    sizes = {str(service.value(named, SD.name)): service.value(service.value(named, SD.graph), VOID.triples).toPython()
             for named in service.objects(dataset, SD.namedGraph)}
    assert set(sizes) == {source.graph_iri for source in files.sources()} | {"https://w3id.org/hrckg/graph/manifest"}
    for name, size in sizes.items():
        assert size == count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    default = service.value(dataset, SD.defaultGraph)
    assert service.value(default, VOID.triples).toPython() == count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_service_description_conforms_to_its_shape(service):
    shapes = files.load([files.SHAPES_DIR / "service-shapes.ttl"])
    conforms, _, text = validate(service, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_service_description_with_an_allow_list(store):
    app = create_app({"SERVICE_ALLOWLIST": ("https://query.wikidata.org/",), "QUERY_PROCESSES": 1}, store=store)
    response = app.test_client().get("/sparql?format=ttl")
    described = Graph().parse(data=response.data, format="turtle")
    assert SD.BasicFederatedQuery in set(described.objects(ENDPOINT, SD.feature))
    assert described.value(ENDPOINT, HRC.federatedEndpointPrefix) == Literal("https://query.wikidata.org/", datatype=XSD.anyURI)


@pytest.mark.parametrize("accept, parse_format", [
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_service_description_in_other_rdf_formats(app, service, accept, parse_format):
    response = app.test_client().get("/sparql", headers={"Accept": accept})
    assert response.mimetype == accept
    assert len(list(ox.parse(response.data, format=parse_format))) == len(service)


def test_service_description_page_for_browsers(app):
    response = app.test_client().get("/sparql", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<form method="get" action="http://localhost/sparql">' in page
    assert 'id="limits"' in page and "10,000" in page
    assert "https://w3id.org/hrckg/graph/data/generated/states" in page


def test_description_not_acceptable(app):
    assert app.test_client().get("/sparql", headers={"Accept": "text/csv"}).status_code == 406


def test_void_counts_match_the_store(void, store):
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, VOID.triples).toPython() == count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert void.value(DATASET, VOID.sparqlEndpoint) == ENDPOINT
    assert str(void.value(DATASET, VOID.uriSpace)) == "https://w3id.org/hrckg/id/"


def test_void_class_and_property_partitions(void):
    classes = {void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython()
               for p in void.objects(DATASET, VOID.classPartition)}
    properties = {void.value(p, VOID.property): void.value(p, VOID.triples).toPython()
                  for p in void.objects(DATASET, VOID.propertyPartition)}
    assert classes[HRC.State] == 57
    assert classes[HRC.Sponsorship] == 31
    assert properties[HRC.sponsor] == 31
    assert void.value(DATASET, VOID.classes).toPython() == len(classes)


def test_void_linksets_to_outside_datasets(void):
    linksets = {(str(void.value(l, VOID.objectsTarget)), void.value(l, VOID.linkPredicate)): void.value(l, VOID.triples).toPython()
                for l in void.objects(DATASET, VOID.subset) if (l, RDF.type, VOID.Linkset) in void}
    assert linksets[("http://publications.europa.eu/resource/authority/country/", SKOS.exactMatch)] == 57
    assert linksets[("https://undocs.org/", URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"))] == 44
    assert linksets[("http://metadata.un.org/sdg/", HRC.sdgTarget)] == 2
    target = URIRef("http://publications.europa.eu/resource/authority/country/")
    assert (target, RDF.type, VOID.Dataset) in void


def test_void_page_for_browsers(app):
    response = app.test_client().get("/.well-known/void", headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    assert "EU Publications Office: country authority table" in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
