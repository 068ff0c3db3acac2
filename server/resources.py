"""Reading one resource out of the store for the pages: its triples both ways, labels in the
reader's language, and a view of each term that a template can show without knowing RDF.

It uses pyoxigraph's pattern lookups rather than SPARQL: no query text to build, and the cost
depends on the resource's own links, not on the size of the graph."""

import re
from dataclasses import dataclass

from itertools import islice

import pyoxigraph as ox

from . import i18n
from .identifiers import BASE
from .namespaces import PREFIXES

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
SKOS_PREF_LABEL = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
DCTERMS_TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")
SH_NAME = ox.NamedNode(PREFIXES["sh"] + "name")
LABEL_PROPERTIES = (SKOS_PREF_LABEL, RDFS_LABEL, DCTERMS_TITLE, SH_NAME)
OWL_INVERSE_OF = ox.NamedNode(PREFIXES["owl"] + "inverseOf")
XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"


def curie(iri: str) -> str:
    """hrc:State for https://w3id.org/hrckg/ontology#State; the IRI itself when no prefix fits."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(name for name, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def local_path(iri: str) -> str | None:
    """The path of an IRI of ours on this server (https://w3id.org/hrckg/id/country/KHM -> /id/country/KHM)."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else None


def link_href(iri: str) -> str | None:
    """Where a link to an IRI goes: our page for ours, the IRI itself for http(s), else nowhere
    (a javascript: or data: IRI in the data must never become a clickable link)."""
    path = local_path(iri)
    if path is not None:
        return path
    return iri if iri.lower().startswith(("http://", "https://")) else None


def natural_key(text: str) -> tuple:
    """Sort "paragraph 2" before "paragraph 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", text) if part)


def inverse_pairs(store: ox.Store) -> set[tuple]:
    """(p, q) for every pair of properties the ontology declares inverse (owl:inverseOf), both ways round."""
    pairs = set()
    for quad in store.quads_for_pattern(None, OWL_INVERSE_OF, None, None):
        pairs.add((quad.subject, quad.object))
        pairs.add((quad.object, quad.subject))
    return pairs


def iri_for_path(path: str) -> str:
    """The inverse of local_path: the IRI a request path on this server stands for."""
    return BASE + path.lstrip("/")


def _unique(items):
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def outgoing(store: ox.Store, node) -> list[tuple]:
    """(predicate, object) pairs of node, from every graph, each once."""
    return _unique((q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None))


def incoming(store: ox.Store, node, limit: int | None = None) -> list[tuple]:
    """(subject, predicate) pairs pointing at node, from every graph, each once; at most limit of them."""
    quads = store.quads_for_pattern(None, None, node, None)
    return _unique((q.subject, q.predicate) for q in (quads if limit is None else islice(quads, limit)))


def exists(store: ox.Store, node) -> bool:
    """Whether the graph says anything about node, or points to it."""
    return (next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
            or next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None)


def values(store: ox.Store, node, predicate) -> list:
    return _unique(q.object for q in store.quads_for_pattern(node, predicate, None, None))


def label_values(store: ox.Store, node) -> dict[str, str]:
    """The node's label per language tag ("" for none), from the first label property that has one."""
    found: dict[str, str] = {}
    for predicate in LABEL_PROPERTIES:
        for term in values(store, node, predicate):
            if isinstance(term, ox.Literal):
                found.setdefault(term.language or "", term.value)
    return found


# Terms of the reused vocabularies, which are not in our store, named for readers.
WELL_KNOWN_LABELS = {
    "rdf:type": ("type", "类型"), "rdfs:label": ("label", "标签"), "rdfs:comment": ("comment", "注释"),
    "rdfs:seeAlso": ("see also", "另见"), "rdfs:subClassOf": ("subclass of", "子类于"),
    "rdfs:subPropertyOf": ("subproperty of", "子属性于"), "rdfs:domain": ("domain", "定义域"),
    "rdfs:range": ("range", "值域"), "owl:inverseOf": ("inverse of", "逆属性"),
    "skos:prefLabel": ("preferred label", "首选标签"), "skos:altLabel": ("other name", "别名"),
    "skos:definition": ("definition", "定义"), "skos:inScheme": ("in scheme", "所属概念体系"),
    "skos:topConceptOf": ("top concept of", "顶层概念于"), "skos:hasTopConcept": ("top concept", "顶层概念"),
    "skos:exactMatch": ("exact match", "完全匹配"), "skos:closeMatch": ("close match", "相近匹配"),
    "skos:broader": ("broader", "上位概念"), "skos:narrower": ("narrower", "下位概念"), "owl:sameAs": ("same as", "等同于"),
    "skos:notation": ("notation", "记号"), "dcterms:title": ("title", "标题"),
    "dcterms:description": ("description", "描述"), "dcterms:references": ("refers to", "提及"),
    "dcterms:isPartOf": ("part of", "属于"), "dcterms:date": ("date", "日期"), "dcterms:source": ("source", "来源"),
    "prov:wasDerivedFrom": ("derived from", "来源"), "org:subOrganizationOf": ("part of organisation", "上级机构"),
    "eli:is_about": ("is about", "主题"), "eli:cites": ("cites", "引用"),
}


def fallback_label(iri: str, lang: str = "en") -> str:
    """What to call a resource with no label: a well-known name, its compact IRI, or the last part of its path."""
    short = curie(iri)
    if short in WELL_KNOWN_LABELS:
        return i18n.in_language(dict(zip(("en", "zh"), WELL_KNOWN_LABELS[short])), lang)
    if short != iri:
        return short
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def label(store: ox.Store, node, lang: str) -> str:
    """The node's label in lang, falling back to the other language, then to its compact IRI."""
    if isinstance(node, ox.Literal):
        return node.value
    return i18n.in_language(label_values(store, node), lang) or (
        fallback_label(node.value, lang) if isinstance(node, ox.NamedNode) else "_:" + node.value)


@dataclass(frozen=True)
class TermView:
    """A term as a page shows it: a link (ours or external), or a literal with its language or datatype."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    text: str  # what to show: a label for a resource, the lexical form for a literal
    href: str | None = None
    external: bool = False
    language: str | None = None
    datatype: str | None = None  # compact datatype IRI, unless xsd:string or a language string

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"


def view(store: ox.Store, term, lang: str) -> TermView:
    if isinstance(term, ox.NamedNode):
        href = link_href(term.value)
        return TermView("iri", term.value, label(store, term, lang), href, external=href is not None and href == term.value)
    if isinstance(term, ox.BlankNode):
        return TermView("bnode", term.value, label(store, term, lang))
    datatype = term.datatype.value
    shown = None if datatype in (XSD_STRING, RDF_LANG_STRING) else curie(datatype)
    return TermView("literal", term.value, term.value, language=term.language, datatype=shown)


def rdf_description(store: ox.Store, node, incoming_limit: int | None = None) -> list[ox.Triple]:
    """What a client asking for RDF gets: the node's triples both ways (at most incoming_limit
    pointing at it), the blank nodes it reaches (an OWL list, say) described in full, and the
    labels of the resources it links to."""
    triples, pending, seen = [], [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in outgoing(store, subject):
            triples.append(ox.Triple(subject, predicate, obj))
            if isinstance(obj, ox.BlankNode):
                pending.append(obj)
    for subject, predicate in incoming(store, node, incoming_limit):
        triples.append(ox.Triple(subject, predicate, node))
    neighbours = {t.object for t in triples if isinstance(t.object, ox.NamedNode)} | {
        t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    neighbours.discard(node)
    for neighbour in sorted(neighbours, key=lambda n: n.value):
        for obj in values(store, neighbour, RDFS_LABEL):
            triples.append(ox.Triple(neighbour, RDFS_LABEL, obj))
    return _unique(triples)
