"""Dereferencing: every IRI of ours (https://w3id.org/hrckg/id/..., .../vocab/...) is served at
the same path here, as an HTML page for people or as RDF by content negotiation.

The page shows the resource's label in the reader's language, its types, the paragraph it comes
from, panels shaped for its class (panels.py), all its properties and its incoming links grouped
by property. The RDF is the same description: outgoing and incoming triples (resources.rdf_description)."""

from collections import defaultdict
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request

from . import conneg, i18n, panels, pictures, resources, store as stores
from .answers import PAGE_FORMATS, html_response, rdf_response
from .errors import NotFound, negotiated
from .identifiers import BASE
from .namespaces import PREFIXES, PROV

blueprint = Blueprint("pages", __name__)

INCOMING_SHOWN = 100  # links shown per incoming group; the rest are counted and reachable by a query

HRC = PREFIXES["hrc"]
SHAPES = BASE + "shapes#"
DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
HRC_TEXT = ox.NamedNode(HRC + "text")
HRC_HEADING = ox.NamedNode(HRC + "heading")
PART_OF = ox.NamedNode(HRC + "partOf")
SEE_ALSO = ox.NamedNode(PREFIXES["rdfs"] + "seeAlso")
OFFICIAL_DOCUMENTS = "https://undocs.org/"  # the UN's own copies of a document, in each official language

# How a link pointing AT a resource reads from that resource's side ("cited by", not "cites").
INCOMING_NAMES = {
    HRC + "cites": ("cited by", "被引用于"),
    HRC + "citedDocument": ("citation records", "引文记录"),
    HRC + "sponsor": ("sponsorships", "提案"),
    HRC + "implementedBy": ("implemented", "实施的活动"),
    HRC + "partner": ("partner in", "作为合作伙伴参与"),
    HRC + "beneficiary": ("beneficiary of", "受益于"),
    HRC + "fundedBy": ("funded", "资助的活动"),
    HRC + "country": ("records concerning it", "涉及的记录"),
    HRC + "mentions": ("mentioned in", "提及于"),
    HRC + "addressee": ("addressed by", "致予"),
    HRC + "author": ("author of", "撰写"),
    HRC + "issuedBy": ("issued", "发出"),
    HRC + "administeredBy": ("administers", "管理"),
    HRC + "session": ("documents and records of this session", "本届会议的文件和记录"),
    HRC + "agendaItem": ("documents under this item", "本议程项目下的文件"),
    HRC + "requestedBy": ("requested", "要求提交"),
    HRC + "inputFrom": ("gave input to", "提供意见"),
    HRC + "adoptedBy": ("adopted", "通过"),
    HRC + "stateOf": ("institutions", "机构"),
    HRC + "locatedIn": ("located here", "位于此处"),
    HRC + "inSection": ("paragraphs in this section", "本节段落"),
    HRC + "citingPart": ("citations made", "所作引用"),
    PREFIXES["prov"] + "wasDerivedFrom": ("source of", "为下列资源的来源"),
    PREFIXES["rdf"] + "type": ("instances", "实例"),
    PREFIXES["skos"] + "inScheme": ("concepts", "概念"),
    PREFIXES["org"] + "subOrganizationOf": ("sub-organisations", "下属机构"),
}


@blueprint.get("/id/<path:rest>")
@blueprint.get("/vocab/<path:rest>")
@blueprint.get("/vocab")
def resource(rest: str = ""):
    try:
        node = ox.NamedNode(resources.iri_for_path(request.path))
    except ValueError:  # a path no IRI can have (a space, a NUL...)
        raise NotFound(f"no resource of this graph has the path {request.path!r}") from None
    store = stores.current()
    if not resources.exists(store, node):
        raise NotFound(f"the graph has nothing about {node.value}")
    fmt = negotiated(PAGE_FORMATS)
    if fmt is conneg.HTML:
        response = html_response(
            render_template("resource.html", **page_context(store, node, i18n.chosen_language())))
    else:
        triples = resources.rdf_description(store, node, incoming_limit=current_app.config["MAX_ROWS"])
        response = rdf_response(triples, fmt)
    return with_alternates(response, fmt)


@blueprint.get("/shapes")
def shapes():
    """The SHACL shapes (https://w3id.org/hrckg/shapes#Name): one page, an anchor per shape, or RDF."""
    store, lang = stores.current(), i18n.chosen_language()
    fmt = negotiated(PAGE_FORMATS)
    named = sorted({q.subject for q in store.quads_for_pattern(None, None, None, None)
                    if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(SHAPES)},
                   key=lambda n: n.value)
    if fmt is conneg.HTML:
        described = [{"anchor": node.value[len(SHAPES):], "title": resources.label(store, node, lang),
                      "properties": outgoing_groups(store, resources.outgoing(store, node), lang)} for node in named]
        response = html_response(render_template("shapes.html", shapes=described))
    else:
        response = rdf_response([t for node in named for t in resources.rdf_description(store, node)], fmt)
    return with_alternates(response, fmt)


def with_alternates(response, fmt: conneg.Format):
    """Link headers naming this description in the other formats."""
    path = quote(request.path)
    response.headers["Link"] = ", ".join(
        f'<{path}?format={other.name}>; rel="alternate"; type="{other.media_type}"'
        for other in PAGE_FORMATS if other is not fmt)
    return response


def page_context(store: ox.Store, node: ox.NamedNode, lang: str) -> dict:
    """Everything resource.html shows, as plain views."""
    out, inc = resources.outgoing(store, node), resources.incoming(store, node)
    types = [obj for predicate, obj in out if predicate == resources.RDF_TYPE]
    own_parts = {subject for subject, predicate in inc if predicate == PART_OF}
    derived_from = [obj for predicate, obj in out if predicate == DERIVED_FROM and obj not in own_parts and obj != node]
    return {
        "iri": node.value,
        "title": resources.label(store, node, lang),
        "labels": resources.label_values(store, node),
        "types": [resources.view(store, t, lang) for t in types],
        "text": [term for predicate, term in out if predicate in (HRC_TEXT, HRC_HEADING) and isinstance(term, ox.Literal)],
        "official": [resources.view(store, obj, lang) for predicate, obj in out
                     if predicate == SEE_ALSO and obj.value.startswith(OFFICIAL_DOCUMENTS)],
        "sources": sources(store, derived_from, lang),
        "panels": panels.for_resource(store, node, types, lang),
        "properties": outgoing_groups(store, out, lang),
        "incoming": incoming_groups(store, node, inc, out, lang),
        "formats": PAGE_FORMATS[1:],
        "picture": pictures.neighbourhood_svg(store, node, lang),
    }


def _property_view(store, predicate: ox.NamedNode, lang: str) -> dict:
    return {"view": resources.view(store, predicate, lang), "curie": resources.curie(predicate.value)}


def outgoing_groups(store, out, lang: str) -> list[dict]:
    """Properties and their values, label properties first, then by the property's label."""
    grouped = defaultdict(list)
    for predicate, obj in out:
        if predicate != resources.RDF_TYPE:
            grouped[predicate].append(obj)
    first = {p: i for i, p in enumerate(resources.LABEL_PROPERTIES)}
    groups = []
    for predicate, objects in grouped.items():
        views = sorted((resources.view(store, obj, lang) for obj in objects),
                       key=lambda v: (v.language != lang, v.language or "", resources.natural_key(v.text)))
        groups.append({**_property_view(store, predicate, lang), "values": views})
    return sorted(groups, key=lambda g: (first.get(ox.NamedNode(g["view"].value), len(first)), g["view"].text.lower()))


def incoming_groups(store, node, inc, out, lang: str) -> list[dict]:
    """Links pointing at the resource, grouped by property and named from the resource's side.

    A link already shown the other way (hrc:partOf when the page lists hrc:hasPart) is left out."""
    stated = {(predicate, obj) for predicate, obj in out}
    inverses = resources.inverse_pairs(store)
    grouped = defaultdict(list)
    for subject, predicate in inc:
        if any((other, subject) in stated for (p, other) in inverses if p == predicate):
            continue
        grouped[predicate].append(subject)
    groups = []
    for predicate, subjects in grouped.items():
        names = INCOMING_NAMES.get(predicate.value)
        name = i18n.in_language(dict(zip(("en", "zh"), names)), lang) if names else None
        prop = _property_view(store, predicate, lang)
        # Only the links shown are labelled, so a resource with 100,000 incoming links stays cheap.
        first = sorted(subjects, key=lambda n: resources.natural_key(n.value))[:INCOMING_SHOWN]
        views = sorted((resources.view(store, s, lang) for s in first), key=lambda v: resources.natural_key(v.text))
        groups.append({**prop, "name": name or prop["view"].text, "count": len(subjects), "values": views,
                       "more_query": _incoming_query(node, predicate) if len(subjects) > INCOMING_SHOWN else None})
    return sorted(groups, key=lambda g: (-g["count"], g["name"]))


def _incoming_query(node, predicate) -> str:
    """A query listing every link of a group, for the workbench when the page shows only the first ones."""
    return (f"PREFIX rdfs: <{PREFIXES['rdfs']}>\nSELECT ?s ?label WHERE {{\n  ?s {predicate} {node} .\n"
            "  OPTIONAL { ?s rdfs:label ?label }\n} ORDER BY ?s")


def sources(store, nodes, lang: str) -> list[dict]:
    """The paragraphs, footnotes or headings a resource came from, with their text to quote."""
    quoted = []
    for node in sorted(nodes, key=lambda n: n.value):
        texts = resources.values(store, node, HRC_TEXT) or resources.values(store, node, HRC_HEADING)
        quoted.append({"view": resources.view(store, node, lang),
                       "text": texts[0].value if texts else None,
                       "text_lang": (texts[0].language if texts and isinstance(texts[0], ox.Literal) else None)})
    return quoted
