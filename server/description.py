"""How the service describes itself: a SPARQL 1.1 Service Description and a VoID description.

Both are computed from the store and the configuration (never written by hand), so the counts,
limits and formats they state are the ones the server really has. The Service Description is
served at GET /sparql without a query; VoID at /.well-known/void (RFC 5785, VoID section 7)."""

from collections import defaultdict

from flask import Blueprint, current_app, render_template, request, url_for
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from . import conneg, store
from .errors import BadRequest, QueryNotAcceptable
from .identifiers import BASE, ID
from .namespaces import HRC, PREFIXES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
DATASET = URIRef(BASE + "dataset")
_PAGE_FORMATS = conneg.GRAPH_FORMATS + (conneg.HTML,)
_RDFLIB_FORMATS = {conneg.TURTLE: "turtle", conneg.NTRIPLES: "nt", conneg.RDFXML: "pretty-xml", conneg.JSONLD: "json-ld"}

# The outside datasets our data links to, by the IRI prefix of their resources.
LINK_TARGETS = {
    "http://publications.europa.eu/resource/authority/country/": "EU Publications Office: country authority table",
    "https://undocs.org/": "UN Official Document System (undocs.org)",
    "http://metadata.un.org/sdg/": "UN Sustainable Development Goals (metadata.un.org)",
    "http://metadata.un.org/thesaurus/": "UNBIS Thesaurus (metadata.un.org)",
    "http://www.wikidata.org/entity/": "Wikidata",
}
_OUTWARD_LINKS = f"""
SELECT ?p ?o WHERE {{
  ?s ?p ?o
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{ID}") && !STRSTARTS(STR(?o), "{BASE}") && ?p != <{RDF.type}>)
}}"""
_CLASS_PARTITIONS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
_PROPERTY_PARTITIONS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { ?s ?p ?o }"""

blueprint = Blueprint("description", __name__)


def _bind_prefixes(graph: Graph) -> Graph:
    for prefix, iri in {**PREFIXES, "sd": str(SD), "void": str(VOID), "ent": str(ENTAILMENT)}.items():
        graph.bind(prefix, iri, override=True)
    return graph


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def link_target(iri: str) -> str:
    """The prefix that names the outside dataset an IRI belongs to: a known one, else its host."""
    for prefix in LINK_TARGETS:
        if iri.startswith(prefix):
            return prefix
    scheme, separator, rest = iri.partition("://")
    if not separator:  # urn:, mailto:...: the scheme is the best name we have
        return iri.split(":", 1)[0] + ":"
    return f"{scheme}://{rest.split('/', 1)[0]}/"


def statistics(graph_store) -> dict:
    """Everything the descriptions count, computed once per process: it scans the whole store."""
    totals = store.select(graph_store, _TOTALS)[0]
    links = defaultdict(int)
    for row in store.select(graph_store, _OUTWARD_LINKS):
        links[(link_target(row["o"].value), row["p"].value)] += 1
    return {
        "triples": int(totals["triples"].value),
        "subjects": int(totals["subjects"].value),
        "objects": int(totals["objects"].value),
        "graphs": store.graph_sizes(graph_store),
        "classes": [(row["c"].value, int(row["n"].value)) for row in store.select(graph_store, _CLASS_PARTITIONS)],
        "properties": [(row["p"].value, int(row["n"].value)) for row in store.select(graph_store, _PROPERTY_PARTITIONS)],
        "linksets": sorted((target, predicate, count) for (target, predicate), count in links.items()),
    }


def current_statistics() -> dict:
    cached = current_app.extensions.get("hrckg.statistics")
    if cached is None:
        cached = statistics(current_app.extensions["hrckg.store"].get())
        current_app.extensions["hrckg.statistics"] = cached
    return cached


def service_description(endpoint: str, config, stats: dict) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint."""
    graph = _bind_prefixes(Graph())
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if config["SERVICE_ALLOWLIST"]:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for prefix in config["SERVICE_ALLOWLIST"]:
        graph.add((service, HRC.federatedEndpointPrefix, Literal(prefix, datatype=XSD.anyURI)))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for fmt in conneg.RESULT_FORMATS + conneg.GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.w3c)))
    graph.add((service, DCTERMS.title, Literal("hrckg SPARQL endpoint", lang="en")))
    graph.add((service, DCTERMS.title, Literal("hrckg SPARQL 查询端点", lang="zh")))
    graph.add((service, RDFS.comment, Literal(
        "Read-only SPARQL 1.1 Query endpoint over the Human Rights Council technical-cooperation knowledge graph. "
        "Each source file is a named graph; the default graph is the union of all named graphs. "
        "SPARQL Update is refused.", lang="en")))
    graph.add((service, HRC.queryTimeout, Literal(str(float(config["QUERY_TIMEOUT"])), datatype=XSD.decimal)))
    graph.add((service, HRC.resultRowLimit, _int(config["MAX_ROWS"])))
    graph.add((service, HRC.responseByteLimit, _int(config["MAX_RESPONSE_BYTES"])))
    graph.add((service, HRC.requestByteLimit, _int(config["MAX_CONTENT_LENGTH"])))

    dataset, default_graph = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, DATASET))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, _int(stats["triples"])))
    graph.add((default_graph, RDFS.comment, Literal("The union of all the named graphs of this dataset.", lang="en")))
    for name, size in stats["graphs"].items():
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, _int(size)))
    return graph


def void_description(endpoint: str, document: str, stats: dict) -> Graph:
    """VoID: the dataset's size, class and property partitions, and linksets to the graphs it links to."""
    graph = _bind_prefixes(Graph())
    doc = URIRef(document)
    graph.add((doc, RDF.type, VOID.DatasetDescription))
    graph.add((doc, FOAF.primaryTopic, DATASET))
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("Human Rights Council technical cooperation knowledge graph", lang="en")))
    graph.add((DATASET, DCTERMS.title, Literal("人权理事会技术合作知识图谱", lang="zh")))
    graph.add((DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((DATASET, VOID.uriSpace, Literal(ID)))
    graph.add((DATASET, VOID.triples, _int(stats["triples"])))
    graph.add((DATASET, VOID.distinctSubjects, _int(stats["subjects"])))
    graph.add((DATASET, VOID.distinctObjects, _int(stats["objects"])))
    graph.add((DATASET, VOID.classes, _int(len(stats["classes"]))))
    graph.add((DATASET, VOID.properties, _int(len(stats["properties"]))))
    for prefix in ("hrc", "eli", "org", "prov", "cito", "fabio", "dcterms", "skos"):
        graph.add((DATASET, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for iri, entities in stats["classes"]:
        partition = BNode()
        graph.add((DATASET, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(iri)))
        graph.add((partition, VOID.entities, _int(entities)))
    for iri, triples in stats["properties"]:
        partition = BNode()
        graph.add((DATASET, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(iri)))
        graph.add((partition, VOID.triples, _int(triples)))
    for number, (target, predicate, triples) in enumerate(stats["linksets"], start=1):
        linkset, outside = URIRef(f"{BASE}dataset/linkset/{number}"), URIRef(target)
        graph.add((DATASET, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, DATASET))
        graph.add((linkset, VOID.objectsTarget, outside))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, _int(triples)))
        graph.add((outside, RDF.type, VOID.Dataset))
        graph.add((outside, VOID.uriSpace, Literal(target)))
        graph.add((outside, DCTERMS.title, Literal(LINK_TARGETS.get(target, target), lang="en")))
    return graph


def _respond(graph: Graph, template: str, **context):
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), request.args.get("format"), _PAGE_FORMATS)
    except conneg.UnknownFormat as err:
        raise BadRequest(str(err)) from None
    if fmt is None:
        raise QueryNotAcceptable("graph")
    if fmt == conneg.HTML:
        body = render_template(template, **context)
    else:
        body = graph.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")
    response = current_app.response_class(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def service_description_response():
    endpoint = request.base_url
    stats, config = current_statistics(), current_app.config
    graph = service_description(endpoint, config, stats)
    formats = conneg.RESULT_FORMATS + conneg.GRAPH_FORMATS
    return _respond(graph, "service.html", endpoint=endpoint, stats=stats, config=config, formats=formats)


@blueprint.get("/.well-known/void")
def void():
    endpoint = url_for("sparql.endpoint", _external=True)
    stats = current_statistics()
    graph = void_description(endpoint, request.base_url, stats)
    return _respond(graph, "void.html", endpoint=endpoint, stats=stats, targets=LINK_TARGETS, dataset=DATASET)
