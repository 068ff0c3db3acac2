"""The ontology at its own IRI: documentation for people, RDF for machines, by content negotiation.

The ontology's IRI is https://w3id.org/hrckg/ontology and each term's is that plus #Name, so a
browser asks for /ontology and the fragment picks the term's anchor (id="Name") on the page. The
page is generated from the ontology's named graphs in the store, so it says what the RDF says."""

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request

from . import conneg, description, graph as files, i18n
from .answers import PAGE_FORMATS, SERIALIZATION_PREFIXES, html_response, rdf_response
from .errors import NotFound, negotiated
from .identifiers import ONTOLOGY
from .resources import curie, link_href, local_path

blueprint = Blueprint("ontology_docs", __name__)

ONTOLOGY_FILE = files.ONTOLOGY_DIR / "hrckg.ttl"
VOCABULARY_FILE = files.ONTOLOGY_DIR / "vocabularies.ttl"


def _iri(prefix: str, name: str) -> ox.NamedNode:  # prefixes of answers.SERIALIZATION_PREFIXES (vann too)
    return ox.NamedNode(SERIALIZATION_PREFIXES[prefix] + name)


RDF_TYPE, RDF_FIRST, RDF_REST = _iri("rdf", "type"), _iri("rdf", "first"), _iri("rdf", "rest")
RDFS_LABEL, RDFS_COMMENT = _iri("rdfs", "label"), _iri("rdfs", "comment")
RDFS_SUBCLASS, RDFS_SUBPROPERTY = _iri("rdfs", "subClassOf"), _iri("rdfs", "subPropertyOf")
RDFS_DOMAIN, RDFS_RANGE, RDFS_SEE_ALSO = _iri("rdfs", "domain"), _iri("rdfs", "range"), _iri("rdfs", "seeAlso")
OWL_ONTOLOGY, OWL_CLASS = _iri("owl", "Ontology"), _iri("owl", "Class")
OWL_VERSION_IRI, OWL_VERSION_INFO = _iri("owl", "versionIRI"), _iri("owl", "versionInfo")
OWL_DISJOINT, OWL_INVERSE = _iri("owl", "disjointWith"), _iri("owl", "inverseOf")
OWL_UNION, OWL_INTERSECTION = _iri("owl", "unionOf"), _iri("owl", "intersectionOf")
SKOS_DEFINITION, SKOS_PREF_LABEL = _iri("skos", "definition"), _iri("skos", "prefLabel")
SKOS_SCHEME, SKOS_CONCEPT = _iri("skos", "ConceptScheme"), _iri("skos", "Concept")
SKOS_IN_SCHEME, SKOS_BROADER = _iri("skos", "inScheme"), _iri("skos", "broader")
DCTERMS_TITLE, DCTERMS_DESCRIPTION = _iri("dcterms", "title"), _iri("dcterms", "description")
DCTERMS_LICENSE, DCTERMS_CREATED = _iri("dcterms", "license"), _iri("dcterms", "created")
DCTERMS_HAS_PART = _iri("dcterms", "hasPart")
VANN_PREFIX, VANN_URI = _iri("vann", "preferredNamespacePrefix"), _iri("vann", "preferredNamespaceUri")

PROPERTY_KINDS = (("object", _iri("owl", "ObjectProperty")), ("datatype", _iri("owl", "DatatypeProperty")),
                  ("annotation", _iri("owl", "AnnotationProperty")))
# OWL property characteristics, as the page names them in English and Chinese.
CHARACTERISTICS = {
    _iri("owl", "FunctionalProperty"): ("functional", "函数型"),
    _iri("owl", "InverseFunctionalProperty"): ("inverse functional", "反函数型"),
    _iri("owl", "TransitiveProperty"): ("transitive", "传递"),
    _iri("owl", "SymmetricProperty"): ("symmetric", "对称"),
    _iri("owl", "AsymmetricProperty"): ("asymmetric", "非对称"),
    _iri("owl", "ReflexiveProperty"): ("reflexive", "自反"),
    _iri("owl", "IrreflexiveProperty"): ("irreflexive", "反自反"),
}


def ordered_texts(values: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """(language, text) pairs with the reader's language first, then the other, then any others."""
    rank = {tag: position for position, tag in enumerate(dict.fromkeys((lang, *i18n.LANGUAGES)))}
    return sorted(values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


# ---------------------------------------------------------------- the documentation, read from the store

def graph_of(path) -> str:
    """The named-graph IRI a project file is loaded into."""
    return next(source.graph_iri for source in files.sources() if source.path == path)


def ontology_graphs() -> list[str]:
    """The named graphs of the files in ontology/: the OWL ontology and the SKOS vocabularies."""
    return [source.graph_iri for source in files.sources() if source.path.parent == files.ONTOLOGY_DIR]


@dataclass
class Ref:
    """A link to a term: to its anchor on this page, its page on this server, or outside."""

    iri: str
    text: str  # the compact IRI (hrc:State, prov:Entity)
    href: str
    external: bool
    labels: dict = field(default_factory=dict)


def ref(iri: str, labels: dict | None = None) -> Ref:
    if iri.startswith(ONTOLOGY):
        return Ref(iri, curie(iri), "#" + iri[len(ONTOLOGY):], False, labels or {})
    href = link_href(iri)
    return Ref(iri, curie(iri), href, href is not None and href == iri, labels or {})


@dataclass
class Expression:
    """A domain or range: one class, or the union or intersection of several."""

    operator: str | None  # None, "union" or "intersection"
    members: list[Ref]


@dataclass
class Term:
    iri: str
    name: str  # the local name, which is also the anchor
    kind: str  # "class", "object", "datatype" or "annotation"
    labels: dict
    definitions: dict
    comments: dict
    parents: list[Ref] = field(default_factory=list)
    children: list[Ref] = field(default_factory=list)
    disjoint: list[Ref] = field(default_factory=list)
    domain: list[Expression] = field(default_factory=list)
    range: list[Expression] = field(default_factory=list)
    inverse: list[Ref] = field(default_factory=list)
    characteristics: list[tuple[str, str]] = field(default_factory=list)
    domain_of: list[Ref] = field(default_factory=list)
    range_of: list[Ref] = field(default_factory=list)
    count: int = 0  # instances of a class, triples of a property, in the whole graph

    @property
    def curie(self) -> str:
        return curie(self.iri)


@dataclass
class Concept:
    iri: str
    href: str
    labels: dict
    definitions: dict
    broader: list[Ref]
    depth: int = 0  # 0 for a top concept, 1 for a narrower one...


@dataclass
class Scheme:
    iri: str
    href: str
    anchor: str
    labels: dict
    definitions: dict
    concepts: list[Concept]


@dataclass
class Metadata:
    iri: str
    titles: dict
    descriptions: dict
    version: str | None
    version_iri: str | None
    license: Ref | None
    created: str | None
    prefix: str | None
    namespace: str | None
    see_also: list[Ref]

    @property
    def version_path(self) -> str | None:
        return local_path(self.version_iri) if self.version_iri else None


@dataclass
class Documentation:
    metadata: Metadata
    classes: list[Term]
    object_properties: list[Term]
    datatype_properties: list[Term]
    annotation_properties: list[Term]
    vocabulary: Ref | None
    schemes: list[Scheme]


class _Reader:
    """Pattern lookups limited to some named graphs: the page documents the ontology files, not the data."""

    def __init__(self, store: ox.Store, graph_iris):
        self.store, self.graphs = store, [ox.NamedNode(iri) for iri in graph_iris]

    def quads(self, subject, predicate, obj):
        for graph_name in self.graphs:
            yield from self.store.quads_for_pattern(subject, predicate, obj, graph_name)

    def objects(self, subject, predicate) -> list:
        return list(dict.fromkeys(q.object for q in self.quads(subject, predicate, None)))

    def subjects(self, predicate, obj) -> list:
        return list(dict.fromkeys(q.subject for q in self.quads(None, predicate, obj)))

    def iris(self, subject, predicate) -> list[str]:
        return sorted({o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)})

    def subject_iris(self, predicate, obj) -> list[str]:
        return sorted({s.value for s in self.subjects(predicate, obj) if isinstance(s, ox.NamedNode)})

    def texts(self, subject, predicate) -> dict[str, str]:
        """Literal values per language tag ("" for none); the first of each language wins."""
        found: dict[str, str] = {}
        for obj in sorted((o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)), key=str):
            found.setdefault(obj.language or "", obj.value)
        return found

    def one(self, subject, predicate) -> str | None:
        values = sorted(o.value for o in self.objects(subject, predicate))
        return values[0] if values else None

    def members(self, head) -> list:
        """The items of an RDF list."""
        items, seen = [], set()
        while isinstance(head, ox.BlankNode) and head not in seen:
            seen.add(head)
            items.extend(self.objects(head, RDF_FIRST)[:1])
            rest = self.objects(head, RDF_REST)
            head = rest[0] if rest else None
        return items

    def expression(self, node) -> Expression | None:
        if isinstance(node, ox.NamedNode):
            return Expression(None, [ref(node.value)])
        for operator, predicate in (("union", OWL_UNION), ("intersection", OWL_INTERSECTION)):
            for head in self.objects(node, predicate):
                return Expression(operator, [ref(m.value) for m in self.members(head) if isinstance(m, ox.NamedNode)])
        return None


def _term(reader: _Reader, iri: str, kind: str) -> Term:
    node = ox.NamedNode(iri)
    term = Term(iri, iri[len(ONTOLOGY):], kind, reader.texts(node, RDFS_LABEL),
                reader.texts(node, SKOS_DEFINITION), reader.texts(node, RDFS_COMMENT))
    if kind == "class":
        term.parents = [ref(i) for i in reader.iris(node, RDFS_SUBCLASS)]
        term.children = [ref(i) for i in reader.subject_iris(RDFS_SUBCLASS, node)]
        term.disjoint = [ref(i) for i in sorted(set(reader.iris(node, OWL_DISJOINT))
                                                 | set(reader.subject_iris(OWL_DISJOINT, node)))]
    else:
        term.parents = [ref(i) for i in reader.iris(node, RDFS_SUBPROPERTY)]
        term.children = [ref(i) for i in reader.subject_iris(RDFS_SUBPROPERTY, node)]
        term.inverse = [ref(i) for i in sorted(set(reader.iris(node, OWL_INVERSE))
                                                | set(reader.subject_iris(OWL_INVERSE, node)))]
        types = set(reader.objects(node, RDF_TYPE))
        term.characteristics = [names for kind_iri, names in CHARACTERISTICS.items() if kind_iri in types]
        for target, predicate in ((term.domain, RDFS_DOMAIN), (term.range, RDFS_RANGE)):
            expressions = (reader.expression(o) for o in reader.objects(node, predicate))
            target.extend(sorted((e for e in expressions if e), key=lambda e: [m.iri for m in e.members]))
    return term


def _ours(iris) -> list[str]:
    return sorted((i for i in iris if i.startswith(ONTOLOGY)), key=lambda i: (i.lower(), i))


def _metadata(reader: _Reader) -> Metadata:
    subjects = reader.subject_iris(RDF_TYPE, OWL_ONTOLOGY) or [ONTOLOGY.rstrip("#")]
    node = ox.NamedNode(subjects[0])
    license_iri = reader.one(node, DCTERMS_LICENSE)
    return Metadata(node.value, reader.texts(node, DCTERMS_TITLE), reader.texts(node, DCTERMS_DESCRIPTION),
                    reader.one(node, OWL_VERSION_INFO), reader.one(node, OWL_VERSION_IRI),
                    ref(license_iri) if license_iri else None, reader.one(node, DCTERMS_CREATED),
                    reader.one(node, VANN_PREFIX), reader.one(node, VANN_URI),
                    [ref(i) for i in reader.iris(node, RDFS_SEE_ALSO)])


def _schemes(reader: _Reader) -> list[Scheme]:
    schemes = []
    for iri in reader.subject_iris(RDF_TYPE, SKOS_SCHEME):
        node = ox.NamedNode(iri)
        members = [c for c in reader.subjects(SKOS_IN_SCHEME, node) if isinstance(c, ox.NamedNode)]
        broader = {c: [b for b in reader.objects(c, SKOS_BROADER) if b in members] for c in members}
        concepts, seen = [], set()

        def visit(concept, depth):  # each concept, then the narrower ones under it
            if concept in seen:
                return
            seen.add(concept)
            concepts.append(Concept(concept.value, local_path(concept.value) or concept.value,
                                    reader.texts(concept, SKOS_PREF_LABEL), reader.texts(concept, SKOS_DEFINITION),
                                    [ref(b.value, reader.texts(b, SKOS_PREF_LABEL)) for b in broader[concept]], depth))
            for narrower in sorted((c for c in members if concept in broader[c]), key=lambda c: c.value):
                visit(narrower, depth + 1)

        for concept in sorted(members, key=lambda c: (bool(broader[c]), c.value)):
            visit(concept, 0)
        schemes.append(Scheme(iri, local_path(iri) or iri, "vocab-" + iri.rstrip("/").rsplit("/", 1)[-1],
                              reader.texts(node, SKOS_PREF_LABEL), reader.texts(node, SKOS_DEFINITION), concepts))
    return schemes


def build_documentation(store: ox.Store, stats: dict) -> Documentation:
    """Everything the page shows, in both languages; stats gives the instance and triple counts."""
    reader = _Reader(store, [graph_of(ONTOLOGY_FILE), graph_of(VOCABULARY_FILE)])
    instances, triples = dict(stats["classes"]), dict(stats["properties"])

    classes = [_term(reader, iri, "class") for iri in _ours(reader.subject_iris(RDF_TYPE, OWL_CLASS))]
    properties = {kind: [_term(reader, iri, kind) for iri in _ours(reader.subject_iris(RDF_TYPE, type_iri))]
                  for kind, type_iri in PROPERTY_KINDS}
    by_iri = {term.iri: term for term in classes}
    for term in classes:
        term.count = instances.get(term.iri, 0)
    for term in (t for terms in properties.values() for t in terms):  # in name order, so the lists are too
        term.count = triples.get(term.iri, 0)
        for expressions, uses in ((term.domain, "domain_of"), (term.range, "range_of")):
            for member in sorted({m.iri for e in expressions for m in e.members} & by_iri.keys()):
                getattr(by_iri[member], uses).append(ref(term.iri))

    schemes = _schemes(reader)
    roots = sorted({s.value for scheme in schemes for s in reader.subjects(DCTERMS_HAS_PART, ox.NamedNode(scheme.iri))
                    if isinstance(s, ox.NamedNode)})
    vocabulary = ref(roots[0], reader.texts(ox.NamedNode(roots[0]), DCTERMS_TITLE)) if roots else None
    return Documentation(_metadata(reader), classes, properties["object"], properties["datatype"],
                         properties["annotation"], vocabulary, schemes)


def documentation() -> Documentation:
    """Built once per process, like the statistics it counts with."""
    cached = current_app.extensions.get("hrckg.ontology_docs")
    if cached is None:
        store = current_app.extensions["hrckg.store"].get()
        cached = build_documentation(store, description.current_statistics())
        current_app.extensions["hrckg.ontology_docs"] = cached
    return cached


def ontology_triples(store: ox.Store) -> list[ox.Triple]:
    """The ontology as RDF: the OWL ontology and the SKOS vocabularies."""
    return [q.triple for iri in ontology_graphs() for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]


# ---------------------------------------------------------------- routes

def _ontology_response():
    fmt = negotiated(PAGE_FORMATS)
    if fmt is conneg.HTML:
        lang = i18n.chosen_language()
        return html_response(render_template(
            "ontology.html", docs=documentation(), formats=PAGE_FORMATS[1:],
            ordered=lambda values: ordered_texts(values, lang), pick=lambda values: i18n.in_language(values, lang)))
    return rdf_response(ontology_triples(current_app.extensions["hrckg.store"].get()), fmt)


@blueprint.get("/ontology")
def ontology():
    return _ontology_response()


@blueprint.get("/ontology/<path:version>")
def ontology_version(version):
    """The version IRI (owl:versionIRI, /ontology/0.1.0) serves the same ontology; no other path does."""
    if request.path != documentation().metadata.version_path:
        raise NotFound(f"there is no ontology version {version!r}; the current one is at "
                        f"{documentation().metadata.version_path or '/ontology'}")
    return _ontology_response()
