"""The contributor guide: what a valid description of each class needs, generated from the SHACL
shapes, so that it says what validation checks and changes when the shapes change.

For every class of our ontology that a shape targets (sh:targetClass, on the class or on one of
its superclasses in ontology/), the guide lists each property shape that applies, with the
standalone shapes (sh:targetSubjectsOf) of the same properties: cardinality, value (datatype,
class, node kind, pattern, list, value shape), languages, severity and message. A worked example,
a real resource of the class out of the curated graph, shows a description that passes; the
templates in shapes/templates/ are starting points for the common contributions.

The same model is served as a page (/contribute/guide) and written as Markdown (shapes/GUIDE.md,
`hrckg guide`)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template

from . import graph as files, i18n
from .answers import html_response
from .errors import NotFound
from .identifiers import ONTOLOGY
from .namespaces import PREFIXES
from .resources import WELL_KNOWN_LABELS, curie, link_href

blueprint = Blueprint("guide", __name__)

TEMPLATES_DIR = files.SHAPES_DIR / "templates"
GUIDE_FILE = files.SHAPES_DIR / "GUIDE.md"
EXAMPLE_MAX_TRIPLES = 30  # a worked example should be readable: shorter descriptions are preferred

SH, RDF, RDFS, OWL = PREFIXES["sh"], PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"]
XSD, SKOS = PREFIXES["xsd"], PREFIXES["skos"]


def _n(namespace: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + name)


RDF_TYPE, RDF_FIRST, RDF_REST = _n(RDF, "type"), _n(RDF, "first"), _n(RDF, "rest")
RDFS_LABEL, RDFS_COMMENT, RDFS_SUBCLASS, RDFS_DOMAIN = (_n(RDFS, "label"), _n(RDFS, "comment"),
                                                         _n(RDFS, "subClassOf"), _n(RDFS, "domain"))
OWL_CLASS, OWL_THING, OWL_UNION = _n(OWL, "Class"), _n(OWL, "Thing"), _n(OWL, "unionOf")
OWL_PROPERTIES = (_n(OWL, "ObjectProperty"), _n(OWL, "DatatypeProperty"))
SKOS_PREF_LABEL, SKOS_DEFINITION = _n(SKOS, "prefLabel"), _n(SKOS, "definition")
(SH_TARGET_CLASS, SH_TARGET_SUBJECTS, SH_PROPERTY, SH_PATH, SH_INVERSE, SH_NAME, SH_DESCRIPTION,
 SH_MESSAGE, SH_SEVERITY, SH_MIN, SH_MAX, SH_QMIN, SH_QMAX, SH_QSHAPE, SH_LANGUAGE_IN, SH_NODE_SHAPE,
 SH_PROPERTY_SHAPE, SH_FLAGS) = (_n(SH, name) for name in (
    "targetClass", "targetSubjectsOf", "property", "path", "inversePath", "name", "description",
    "message", "severity", "minCount", "maxCount", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShape", "languageIn", "NodeShape", "PropertyShape", "flags"))

# Predicates of a shape that say what it is, where it applies or how to report it, not what it checks.
_BOOKKEEPING = {_n(SH, name) for name in (
    "path", "name", "description", "message", "severity", "minCount", "maxCount", "qualifiedMinCount",
    "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "targetClass", "targetNode", "targetSubjectsOf",
    "targetObjectsOf", "target", "property", "flags", "order", "group", "deactivated", "defaultValue",
    "prefixes", "declare")} | {RDF_TYPE, RDFS_LABEL, RDFS_COMMENT}
# Shapes that only state a value another shape points to, by how they are pointed to.
_VALUE_SHAPE_LINKS = {_n(SH, name) for name in ("node", "qualifiedValueShape", "not", "property")}
_LIST_LINKS = {_n(SH, name) for name in ("or", "xone", "and")}

SEVERITIES = {"Violation": ("Violation: blocks the contribution", "违规：阻止贡献"),
              "Warning": ("Warning: reported, does not block", "警告：会报告，但不阻止"),
              "Info": ("Info: reported, does not block", "信息：会报告，但不阻止")}
NODE_KINDS = {"IRI": ("an IRI", "IRI"), "Literal": ("a literal", "字面量"), "BlankNode": ("a blank node", "空白节点"),
              "BlankNodeOrIRI": ("an IRI or blank node", "IRI 或空白节点"),
              "BlankNodeOrLiteral": ("a blank node or literal", "空白节点或字面量"),
              "IRIOrLiteral": ("an IRI or literal", "IRI 或字面量")}


# ---------------------------------------------------------------- the model

@dataclass(frozen=True)
class Words:
    """Interface text in both languages."""

    en: str
    zh: str
    kind: str = "words"


@dataclass(frozen=True)
class Code:
    """Text shown as it is: a pattern, a literal, a language tag."""

    text: str
    kind: str = "code"


@dataclass(frozen=True)
class Ref:
    """A term, shown by its compact IRI and linked: to our page for our IRIs, else to the IRI itself."""

    iri: str
    text: str
    labels: dict = field(default_factory=dict, compare=False, hash=False)
    kind: str = "ref"

    @property
    def href(self) -> str | None:
        return link_href(self.iri)

    @property
    def external(self) -> bool:
        return self.href == self.iri


@dataclass
class Requirement:
    """One property shape as it applies to a class: what it asks of the property's values."""

    shape: Ref
    names: dict
    descriptions: dict
    min: int | None
    max: int | None
    value: list  # Words, Code and Ref tokens
    languages: list[str]
    severity: str
    messages: dict

    @property
    def cardinality(self) -> str:
        if self.min is None and self.max is None:
            return "–"
        return f"{self.min or 0}..{'*' if self.max is None else self.max}"


@dataclass
class PropertyGroup:
    """Everything the shapes ask of one property (or inverse path) of a class."""

    path: Ref
    inverse: bool
    requirements: list[Requirement]

    @property
    def status(self) -> str:
        """required (a Violation asks for a value), recommended (a Warning does), or optional."""
        asking = [r for r in self.requirements if (r.min or 0) > 0]
        if any(r.severity == "Violation" for r in asking):
            return "required"
        return "recommended" if asking else "optional"


@dataclass
class AppliedShape:
    shape: Ref
    labels: dict
    comments: dict
    target: Ref  # the class it targets: this class or a superclass
    rule: list  # what the node shape itself asks of the resource (sh:not, sh:xone...), as tokens
    severity: str
    messages: dict


@dataclass
class Example:
    resource: Ref
    turtle: str
    triples: int
    sources: list[str]  # the files (or named graphs) its triples come from


@dataclass
class ClassGuide:
    iri: str
    name: str  # the local name, also the anchor
    labels: dict
    definitions: dict
    parents: list[Ref]
    shapes: list[AppliedShape]
    properties: list[PropertyGroup]
    other_properties: list[Ref]  # in the ontology for this class, but no shape constrains them
    instances: int
    example: Example | None

    @property
    def curie(self) -> str:
        return curie(self.iri)


@dataclass
class Check:
    """A shape that is not about one class: a SPARQL-based check, or a rule of the contribution validator."""

    shape: Ref
    labels: dict
    comments: dict
    severity: str | None
    messages: dict


@dataclass
class Template:
    name: str
    titles: dict
    path: Path

    @property
    def url(self) -> str:
        return f"/contribute/templates/{self.name}.ttl"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass
class Guide:
    classes: list[ClassGuide]
    standalone: list[tuple[Ref, Requirement]]  # sh:targetSubjectsOf shapes, with their property
    checks: list[Check]
    templates: list[Template]
    skipped: list[Ref]  # targeted classes outside our ontology (they describe the server, not contributions)
    shape_count: int


# ---------------------------------------------------------------- reading the files

class _Reader:
    """Pattern lookups in some named graphs."""

    def __init__(self, source: "_Quads", graph_iris):
        self.source, self.graphs = source, {ox.NamedNode(iri) for iri in graph_iris}

    def quads(self, subject, predicate, obj):
        return [q for q in self.source.quads_for_pattern(subject, predicate, obj) if q.graph_name in self.graphs]

    def objects(self, subject, predicate) -> list:
        return sorted(dict.fromkeys(q.object for q in self.quads(subject, predicate, None)), key=str)

    def subjects(self, predicate, obj) -> list:
        return sorted(dict.fromkeys(q.subject for q in self.quads(None, predicate, obj)), key=str)

    def one(self, subject, predicate):
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def integer(self, subject, predicate) -> int | None:
        value = self.one(subject, predicate)
        return int(value.value) if isinstance(value, ox.Literal) else None

    def texts(self, subject, *predicates) -> dict[str, str]:
        """Literal values per language tag ("" for none), from the first predicate that has any."""
        for predicate in predicates:
            found: dict[str, str] = {}
            for obj in self.objects(subject, predicate):
                if isinstance(obj, ox.Literal):
                    found.setdefault(obj.language or "", obj.value)
            if found:
                return found
        return {}

    def members(self, head) -> list:
        """The items of an RDF list."""
        items, seen = [], set()
        while isinstance(head, ox.BlankNode) and head not in seen:
            seen.add(head)
            items.extend(self.objects(head, RDF_FIRST)[:1])
            head = self.one(head, RDF_REST)
        return items


class _Quads:
    """The project's files as quads, one named graph per file, with the lookups a store offers.

    Read from the files rather than from the store: a pyoxigraph Store keeps literals in canonical
    form ("1.50"^^xsd:decimal as "1.5"), and a worked example must show the data as written."""

    def __init__(self, sources):
        self.by_subject, self.by_predicate, self.by_object = {}, {}, {}
        self.graphs = []
        for source in sources:
            graph_name = ox.NamedNode(source.graph_iri)
            self.graphs.append(source.graph_iri)
            rdf_format = ox.RdfFormat.from_extension(source.path.suffix.lstrip(".").lower())
            for quad in ox.parse(path=str(source.path), format=rdf_format, base_iri=source.path.resolve().as_uri()):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph_name)
                for index, key in ((self.by_subject, quad.subject), (self.by_predicate, quad.predicate),
                                   (self.by_object, quad.object)):
                    index.setdefault(key, {})[quad] = None

    def quads_for_pattern(self, subject, predicate, obj) -> list[ox.Quad]:
        """The quads matching a pattern (None matches anything), in every graph."""
        candidates = [index.get(key, {}) for index, key in ((self.by_subject, subject), (self.by_predicate, predicate),
                                                              (self.by_object, obj)) if key is not None]
        quads = min(candidates, key=len) if candidates else {q: None for i in self.by_subject.values() for q in i}
        return [q for q in quads if (subject is None or q.subject == subject) and (predicate is None or q.predicate == predicate)
                and (obj is None or q.object == obj)]


class _Builder:
    def __init__(self, quads: _Quads):
        ontology = [s.graph_iri for s in files.sources() if s.path.parent == files.ONTOLOGY_DIR]
        shapes = [s.graph_iri for s in files.sources() if s.path.parent == files.SHAPES_DIR]
        data = [g for g in quads.graphs if g not in ontology and g not in shapes]
        self.ontology, self.shapes, self.data = _Reader(quads, ontology), _Reader(quads, shapes), _Reader(quads, data)
        self.terms = _Reader(quads, ontology + shapes)  # where labels of terms and shapes are found
        self.quads, self.data_graphs = quads, set(data)
        self.file_names = {s.graph_iri: s.path.relative_to(files.ROOT).as_posix() for s in files.sources()}

    # ------------------------------------------------------------ terms

    def ref(self, term) -> Ref:
        labels = self.terms.texts(term, SKOS_PREF_LABEL, RDFS_LABEL, SH_NAME)
        if not labels and curie(term.value) in WELL_KNOWN_LABELS:
            labels = dict(zip(("en", "zh"), WELL_KNOWN_LABELS[curie(term.value)]))
        return Ref(term.value, curie(term.value), labels)

    def token(self, term):
        """A term inside a phrase: a link for an IRI, the Turtle form for a literal."""
        if isinstance(term, ox.NamedNode):
            return self.ref(term)
        return Code(turtle_term(term, {}))

    # ------------------------------------------------------------ what a shape asks

    def constraints(self, shape) -> list[tuple]:
        """(predicate, values) of what the shape checks, in a stable order."""
        found: dict = {}
        for quad in self.shapes.quads(shape, None, None):
            if quad.predicate not in _BOOKKEEPING:
                found.setdefault(quad.predicate, []).append(quad.object)
        return [(p, sorted(found[p], key=str)) for p in sorted(found, key=lambda p: p.value)]

    def describe(self, shape, seen=frozenset()) -> list:
        """What the shape asks of a value, as tokens; nested shapes are described inline."""
        if shape in seen:  # a recursive shape: name it, do not expand it again
            return [self.ref(shape)] if isinstance(shape, ox.NamedNode) else []
        seen = seen | {shape}
        parts = [self.phrase(shape, predicate, values, seen) for predicate, values in self.constraints(shape)]
        for nested in self.shapes.objects(shape, SH_PROPERTY):
            path, _ = self.path(nested)
            low, high = self.shapes.integer(nested, SH_MIN), self.shapes.integer(nested, SH_MAX)
            counts = [] if low is None and high is None else [Words(" ", " "), Code(_cardinality(low, high))]
            parts.append([path, *counts, Words(": ", "："), *self.describe(nested, seen)])
        return _join([p for p in parts if p], Words("; ", "；"))

    def phrase(self, shape, predicate, values, seen) -> list:
        """One constraint of shape in words: SHACL Core's constraints, and a plain fallback for any other."""
        name = predicate.value[len(SH):] if predicate.value.startswith(SH) else None
        if name == "class":
            return [Words("an instance of ", ""), *_join([self.ref(v) for v in values], Words(" and ", " 和 ")),
                    Words("", " 的实例")]
        if name == "datatype":
            return [Words("datatype ", "数据类型 "), *[self.token(v) for v in values]]
        if name == "nodeKind":
            return [Words(*NODE_KINDS.get(v.value[len(SH):], (curie(v.value), curie(v.value)))) for v in values]
        if name == "pattern":
            flags = self.shapes.one(shape, SH_FLAGS)
            return [Words("matches ", "匹配 "), Code(values[0].value)] + (
                [Words(" (flags ", "(标志 "), Code(flags.value), Words(")", ")")] if flags is not None else [])
        if name == "languageIn":
            tags = [Code("@" + m.value) for v in values for m in self.shapes.members(v)]
            return [Words("language ", "语言 "), *_join(tags, Words(" or ", " 或 "))]
        if name == "in":
            items = [self.token(m) for v in values for m in self.shapes.members(v)]
            return [Words("one of ", "取值之一："), *_join(items, Words(", ", "、"))]
        if name == "hasValue":
            return [Words("includes ", "包含 "), *_join([self.token(v) for v in values], Words(", ", "、"))]
        if name == "uniqueLang":
            return [Words("at most one value per language", "每种语言至多一个值")]
        if name in ("node", "qualifiedValueShape"):
            out = []
            for value in values:
                inner = self.describe(value, seen)
                named = [self.ref(value)] if isinstance(value, ox.NamedNode) else []
                lead = Words("values conforming to ", "符合 ") if name == "qualifiedValueShape" else \
                    Words("conforms to ", "符合 ")
                tail = Words("", " 的值") if name == "qualifiedValueShape" else Words("", "")
                if named and inner:
                    out.append([lead, *named, Words(" (", "("), *inner, Words(")", ")"), tail])
                else:
                    out.append([lead, *(named or inner), tail])
            return _join(out, Words("; ", "；"))
        if name in ("or", "xone", "and"):
            lead = {"or": ("one of: ", "以下之一："), "xone": ("exactly one of: ", "恰好满足以下之一："),
                    "and": ("all of: ", "同时满足：")}[name]
            joiner = {"or": (" or ", " 或 "), "xone": (" or ", " 或 "), "and": (" and ", " 且 ")}[name]
            members = [m for v in values for m in self.shapes.members(v)]
            same = self.single_kind(members)
            if same is not None and name != "and":  # one of several classes (or datatypes): say it once
                kind, terms = same
                refs = _join([self.ref(t) for t in terms], Words(*joiner))
                exactly = [Words("exactly one of ", "恰好其一：")] if name == "xone" else []
                if kind == "class":
                    return [Words("an instance of ", ""), *exactly, *refs, Words("", " 的实例")]
                return [Words("datatype ", "数据类型 "), *exactly, *refs]
            options = [self.describe(m, seen) for m in members]
            return [Words(*lead), *_join(options, Words(*joiner))]
        if name == "not":
            return [Words("not ", "不是 "), *_join([self.describe(v, seen) for v in values], Words(" or ", " 或 "))]
        if name in _COMPARISONS:
            en, zh = _COMPARISONS[name]
            return [Words(en, zh), *_join([self.token(v) for v in values], Words(", ", "、"))]
        if name == "closed":
            return [Words("no properties other than those listed", "不得有所列以外的属性")] if values[0].value == "true" else []
        if name == "sparql":
            return [Words("SPARQL constraint ", "SPARQL 约束 "), *[self.token(v) for v in values]]
        return [self.ref(predicate), Words(" ", " "), *_join([self.token(v) for v in values], Words(", ", "、"))]

    def single_kind(self, members) -> tuple[str, list] | None:
        """("class", [classes]) when every member shape asks only for one class (likewise datatypes)."""
        kinds = set()
        terms = []
        for member in members:
            constraints = self.constraints(member)
            if len(constraints) != 1 or len(constraints[0][1]) != 1 or self.shapes.objects(member, SH_PROPERTY):
                return None
            predicate, (value,) = constraints[0]
            kinds.add(predicate.value[len(SH):])
            terms.append(value)
        if len(kinds) == 1 and kinds <= {"class", "datatype"} and all(isinstance(t, ox.NamedNode) for t in terms):
            return kinds.pop(), terms
        return None

    def languages(self, shape) -> list[str]:
        """Language tags the shape asks for: its own sh:languageIn, or its qualified value shape's
        when at least one such value is required (a Chinese and an English label)."""
        tags = [m.value for v in self.shapes.objects(shape, SH_LANGUAGE_IN) for m in self.shapes.members(v)]
        if (self.shapes.integer(shape, SH_QMIN) or 0) > 0:
            for value in self.shapes.objects(shape, SH_QSHAPE):
                tags += [m.value for v in self.shapes.objects(value, SH_LANGUAGE_IN) for m in self.shapes.members(v)]
        return list(dict.fromkeys(tags))

    def path(self, shape) -> tuple[Ref, bool]:
        path = self.shapes.one(shape, SH_PATH)
        if isinstance(path, ox.NamedNode):
            return self.ref(path), False
        inverse = self.shapes.one(path, SH_INVERSE) if path is not None else None
        if isinstance(inverse, ox.NamedNode):
            target = self.ref(inverse)
            labels = {lang: (f"inverse of {text}" if lang == "en" else f"{text}(反向)")
                      for lang, text in target.labels.items()}
            return Ref(inverse.value, "^" + target.text, labels), True
        return Ref("", "(complex path)", {"en": "complex path", "zh": "复杂路径"}), False

    def severity(self, shape) -> str:
        value = self.shapes.one(shape, SH_SEVERITY)
        return value.value[len(SH):] if value is not None else "Violation"

    def requirement(self, shape) -> Requirement:
        qualified = self.shapes.one(shape, SH_QSHAPE) is not None
        low = self.shapes.integer(shape, SH_QMIN if qualified else SH_MIN)
        high = self.shapes.integer(shape, SH_QMAX if qualified else SH_MAX)
        return Requirement(self.ref(shape), self.shapes.texts(shape, SH_NAME), self.shapes.texts(shape, SH_DESCRIPTION),
                           low, high, self.describe(shape), self.languages(shape), self.severity(shape),
                           self.shapes.texts(shape, SH_MESSAGE))

    # ------------------------------------------------------------ classes

    def superclasses(self, cls) -> list:
        """cls and every class above it (rdfs:subClassOf*), nearest first, then owl:Thing."""
        order, frontier = [cls], [cls]
        while frontier:
            nxt = []
            for node in frontier:
                for parent in self.ontology.objects(node, RDFS_SUBCLASS):
                    if isinstance(parent, ox.NamedNode) and parent not in order:
                        order.append(parent)
                        nxt.append(parent)
            frontier = nxt
        return order + ([OWL_THING] if OWL_THING not in order else [])

    def subclasses(self, cls) -> list:
        found, frontier = [cls], [cls]
        while frontier:
            frontier = [c for node in frontier for c in self.ontology.subjects(RDFS_SUBCLASS, node)
                        if isinstance(c, ox.NamedNode) and c not in found]
            found += frontier
        return found

    def domain_properties(self, classes) -> list:
        """Our properties whose rdfs:domain (a class or a union of classes) includes one of classes."""
        found = []
        for kind in OWL_PROPERTIES:
            for prop in self.ontology.subjects(RDF_TYPE, kind):
                for domain in self.ontology.objects(prop, RDFS_DOMAIN):
                    members = [domain] if isinstance(domain, ox.NamedNode) else [
                        m for head in self.ontology.objects(domain, OWL_UNION) for m in self.ontology.members(head)]
                    if any(m in classes for m in members) and prop not in found:
                        found.append(prop)
        return found

    def build(self) -> Guide:
        targeted: dict = {}  # class -> node shapes targeting it
        for quad in self.shapes.quads(None, SH_TARGET_CLASS, None):
            targeted.setdefault(quad.object, []).append(quad.subject)
        standalone = {}  # property -> its sh:targetSubjectsOf shapes
        for quad in self.shapes.quads(None, SH_TARGET_SUBJECTS, None):
            standalone.setdefault(quad.object, []).append(quad.subject)

        ours = [c for c in self.ontology.subjects(RDF_TYPE, OWL_CLASS)
                if isinstance(c, ox.NamedNode) and c.value.startswith(ONTOLOGY)]
        classes = []
        for cls in sorted(ours, key=lambda c: c.value.lower()):
            above = self.superclasses(cls)
            applied = [(shape, target) for target in above for shape in sorted(targeted.get(target, []), key=str)]
            if applied:
                classes.append(self.class_guide(cls, above, applied, standalone))
        skipped = sorted((self.ref(c) for c in targeted if isinstance(c, ox.NamedNode) and not c.value.startswith(ONTOLOGY)),
                         key=lambda r: r.iri)
        standalone_rows = sorted(((self.ref(p), self.requirement(s)) for p, shapes in standalone.items() for s in shapes),
                                 key=lambda row: (row[0].text, row[1].shape.text))
        named_shapes = {q.subject for kind in (SH_NODE_SHAPE, SH_PROPERTY_SHAPE) for q in self.shapes.quads(None, RDF_TYPE, kind)}
        return Guide(classes, standalone_rows, self.checks(), templates(), skipped, len(named_shapes))

    def class_guide(self, cls, above, applied, standalone) -> ClassGuide:
        groups: dict = {}
        shapes_seen, applied_shapes = set(), []
        for shape, target in applied:
            if shape in shapes_seen:
                continue
            shapes_seen.add(shape)
            applied_shapes.append(AppliedShape(self.ref(shape), self.shapes.texts(shape, RDFS_LABEL),
                                               self.shapes.texts(shape, RDFS_COMMENT), self.ref(target),
                                               self.describe_node(shape), self.severity(shape),
                                               self.shapes.texts(shape, SH_MESSAGE)))
            for prop in self.shapes.objects(shape, SH_PROPERTY):
                path, inverse = self.path(prop)
                groups.setdefault((path.iri, inverse), (path, inverse, {}))[2].setdefault(prop, None)
        domain = self.domain_properties(set(above))
        for prop, shapes in standalone.items():
            key = (prop.value, False)
            if key in groups or prop in domain:
                for shape in shapes:
                    groups.setdefault(key, (self.ref(prop), False, {}))[2].setdefault(shape, None)
        anywhere = {shape.value for shapes in standalone.values() for shape in shapes}
        properties = []
        for path, inverse, shapes in groups.values():
            # Violations first; the class's own shapes before those checking the property anywhere.
            requirements = sorted((self.requirement(s) for s in shapes),
                                  key=lambda r: (r.severity != "Violation", r.shape.iri in anywhere, r.shape.text))
            properties.append(PropertyGroup(path, inverse, requirements))
        rank = {"required": 0, "recommended": 1, "optional": 2}
        properties.sort(key=lambda g: (rank[g.status], g.inverse, g.path.text))
        constrained = {key[0] for key in groups}
        others = sorted((self.ref(p) for p in domain if p.value not in constrained), key=lambda r: r.text)
        instances = self.instances(cls)
        return ClassGuide(cls.value, cls.value[len(ONTOLOGY):], self.ontology.texts(cls, RDFS_LABEL),
                          self.ontology.texts(cls, SKOS_DEFINITION),
                          [self.ref(p) for p in self.ontology.objects(cls, RDFS_SUBCLASS) if isinstance(p, ox.NamedNode)],
                          applied_shapes, properties, others, len(instances), self.example(cls, instances))

    def describe_node(self, shape) -> list:
        """What a node shape asks of the resource itself, leaving out its property shapes."""
        parts = [self.phrase(shape, p, values, frozenset({shape})) for p, values in self.constraints(shape)]
        return _join([p for p in parts if p], Words("; ", "；"))

    def checks(self) -> list[Check]:
        """Named shapes that are neither about a class or property nor a value another shape uses."""
        used = {q.object for p in _VALUE_SHAPE_LINKS for q in self.shapes.quads(None, p, None)}
        used |= {m for p in _LIST_LINKS for q in self.shapes.quads(None, p, None) for m in self.shapes.members(q.object)}
        found = []
        for quad in self.shapes.quads(None, RDF_TYPE, SH_NODE_SHAPE):
            shape = quad.subject
            if (not isinstance(shape, ox.NamedNode) or shape in used or self.shapes.objects(shape, SH_TARGET_CLASS)
                    or self.shapes.objects(shape, SH_TARGET_SUBJECTS)):
                continue
            found.append(Check(self.ref(shape), self.shapes.texts(shape, RDFS_LABEL), self.shapes.texts(shape, RDFS_COMMENT),
                               self.severity(shape), self.shapes.texts(shape, SH_MESSAGE)))
        return sorted(found, key=lambda c: c.shape.iri)

    # ------------------------------------------------------------ worked examples

    def instances(self, cls) -> list:
        """Resources of the class in the data (with an IRI), direct instances first."""
        direct = [q.subject for q in self.data.quads(None, RDF_TYPE, cls) if isinstance(q.subject, ox.NamedNode)]
        every = [q.subject for sub in self.subclasses(cls) for q in self.data.quads(None, RDF_TYPE, sub)
                 if isinstance(q.subject, ox.NamedNode)]
        return list(dict.fromkeys(direct + every))

    def description(self, node) -> list[tuple]:
        """(predicate, object, graph) of every data triple about node."""
        return [(q.predicate, q.object, q.graph_name.value) for q in self.quads.quads_for_pattern(node, None, None)
                if q.graph_name.value in self.data_graphs]

    def example(self, cls, instances) -> Example | None:
        """The most complete description of the class, preferring direct instances and readable sizes:
        fewest triples among those with the most distinct properties, then the IRI, so the choice is stable."""
        direct = {q.subject for q in self.data.quads(None, RDF_TYPE, cls)}
        best, best_key = None, None
        for node in instances:
            triples = {(p, o) for p, o, _ in self.description(node)}
            key = (node not in direct, len(triples) > EXAMPLE_MAX_TRIPLES, -len({p for p, _ in triples}),
                   len(triples), node.value)
            if best_key is None or key < best_key:
                best, best_key = node, key
        if best is None:
            return None
        described = self.description(best)
        pairs = sorted({(p, o) for p, o, _ in described}, key=lambda po: (str(po[0]), str(po[1])))
        sources = sorted({self.file_names.get(g, g) for _, _, g in described})
        resource = Ref(best.value, curie(best.value), self.data.texts(best, RDFS_LABEL))
        header = f"# {curie(cls.value)}: {best.value}\n# as the curated graph describes it ({', '.join(sources)})\n"
        return Example(resource, header + turtle_document(best, pairs), len(pairs), sources)


def _cardinality(low, high) -> str:
    return f"{low or 0}..{'*' if high is None else high}"


_COMPARISONS = {"lessThan": ("less than the values of ", "小于以下属性的值："),
                "lessThanOrEquals": ("not greater than the values of ", "不大于以下属性的值："),
                "equals": ("equal to the values of ", "等于以下属性的值："),
                "disjoint": ("none of the values of ", "不同于以下属性的值："),
                "minInclusive": ("at least ", "不小于 "), "minExclusive": ("greater than ", "大于 "),
                "maxInclusive": ("at most ", "不大于 "), "maxExclusive": ("less than ", "小于 "),
                "minLength": ("at least this many characters: ", "最少字符数："),
                "maxLength": ("at most this many characters: ", "最多字符数：")}


def _join(parts: list[list], separator) -> list:
    out = []
    for index, part in enumerate(parts):
        if index:
            out.append(separator)
        out.extend(part if isinstance(part, list) else [part])
    return out


def templates() -> list[Template]:
    """The templates in shapes/templates/, by name."""
    return [Template(path.stem, _template_titles(path), path) for path in sorted(TEMPLATES_DIR.glob("*.ttl"))]


def _template_titles(path: Path) -> dict:
    """A template's title in English and Chinese: its first two comment lines."""
    lines = [line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines()[:2] if line.startswith("#")]
    return dict(zip(("en", "zh"), lines)) if lines else {"en": path.stem}


# ---------------------------------------------------------------- Turtle for the worked examples

_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PLAIN_DATATYPES = {XSD + "boolean": re.compile(r"true|false"), XSD + "integer": re.compile(r"[+-]?[0-9]+")}
_WRITTEN_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("id", "vocab", "hrcsh")}


def turtle_term(term, used: dict) -> str:
    """A term in Turtle: a prefixed name where one is valid, else the full IRI; literals with their
    exact lexical form. Prefixes used are recorded in used."""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in sorted(_WRITTEN_PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(namespace):]
            if term.value.startswith(namespace) and _PN_LOCAL.fullmatch(local):
                used[prefix] = namespace
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    text = '"' + "".join(_ESCAPES.get(char, char) for char in term.value) + '"'
    if term.language:
        return f"{text}@{term.language}"
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return text
    plain = _PLAIN_DATATYPES.get(datatype)
    if plain is not None and plain.fullmatch(term.value):
        return term.value
    return f"{text}^^{turtle_term(term.datatype, used)}"


def turtle_document(subject: ox.NamedNode, pairs: list[tuple]) -> str:
    """One resource's description as a standalone Turtle document: prefixes, then the subject with
    rdf:type first, labels next, then the other properties by name, one value per line."""
    used: dict = {}
    grouped: dict = {}
    for predicate, obj in pairs:
        grouped.setdefault(predicate, []).append(obj)

    def order(predicate):
        return (predicate != RDF_TYPE, predicate != RDFS_LABEL, turtle_term(predicate, {}))

    lines = []
    for predicate in sorted(grouped, key=order):
        name = "a" if predicate == RDF_TYPE else turtle_term(predicate, used)
        values = [turtle_term(o, used) for o in sorted(grouped[predicate], key=lambda o: (turtle_term(o, {})))]
        lines.append(f"    {name} " + " ,\n        ".join(values))
    body = f"{turtle_term(subject, used)}\n" + " ;\n".join(lines) + " .\n"
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(used.items()))
    return prefixes + "\n" + body


# ---------------------------------------------------------------- the guide, built and written

def build_guide(sources=None) -> Guide:
    """The guide, from the files of ontology/, shapes/ and data/ (graph.sources(), unless given)."""
    return _Builder(_Quads(files.sources() if sources is None else sources)).build()


def markdown() -> str:
    """The guide as Markdown (shapes/GUIDE.md): English text, labels and messages in both languages."""
    return render_markdown(build_guide())


STATUS_WORDS = {"required": ("required", "必需"), "recommended": ("recommended", "建议"), "optional": ("optional", "可选")}


def _both(values: dict, separator: str = " / ") -> str:
    """English and Chinese text, each once."""
    ordered = [values[lang] for lang in ("en", "zh") if lang in values] or list(values.values())
    return separator.join(dict.fromkeys(ordered))


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class _Markdown:
    """Markdown text with numbered reference links, so each IRI is written once, at the end."""

    def __init__(self):
        self.lines: list[str] = []
        self.targets: dict[str, int] = {}

    def ref(self, ref: Ref) -> str:
        if not ref.iri.startswith(("http://", "https://")):
            return _code(ref.text)
        number = self.targets.setdefault(ref.iri, len(self.targets) + 1)
        return f"[{_code(ref.text)}][{number}]"

    def tokens(self, tokens) -> str:
        return "".join(t.en if t.kind == "words" else _code(t.text) if t.kind == "code" else self.ref(t)
                       for t in tokens)

    def text(self) -> str:
        links = [f"[{number}]: {iri}" for iri, number in self.targets.items()]
        return "\n".join(self.lines + [""] + links) + "\n"


def render_markdown(guide: Guide) -> str:
    md = _Markdown()
    out = md.lines
    out += ["<!-- Generated by `hrckg guide` from shapes/*.ttl, ontology/ and data/: do not edit. -->", "",
            "# Contributor guide · 贡献者指南", "",
            "What a valid contribution to the hrckg graph looks like, class by class, generated from the "
            f"SHACL shapes in `shapes/` ({guide.shape_count} named shapes) and the ontology in `ontology/`. "
            "A contribution is a Turtle, TriG, N-Triples or JSON-LD file; it is validated merged with the "
            "curated graph, so it may link to the States, sessions, mechanisms, funds and documents already "
            "there. See `data/README.md` for the IRI patterns and the rules (every resource points to the "
            "paragraph it came from; labels in Chinese and English).", "",
            "**Severity**: a Violation blocks the contribution; a Warning (or Info) is reported but does not block. "
            "**Count** `min..max` is how many values the shape accepts (`*`: no upper limit; `–`: the shape does "
            "not count them). **Status**: required when a Violation asks for a value, recommended when only a "
            "Warning does.", "", "## Templates · 模板", ""]
    for template in guide.templates:
        out.append(f"- [`{template.name}.ttl`](templates/{template.name}.ttl): {_both(template.titles, ' · ')}")
    out += ["", "## Classes · 类", "", " · ".join(f"[{c.name}](#{c.name})" for c in guide.classes)]
    for cls in guide.classes:
        _markdown_class(md, cls)
    out += ["", "## Properties wherever they are used · 属性(无论用于何处)", "",
            "These shapes check every subject of their property, whatever its class.", "",
            "| property | value | severity | shape | message |", "|---|---|---|---|---|"]
    for prop, req in guide.standalone:
        out.append("| " + " | ".join(_cell(cell) for cell in (
            f"{md.ref(prop)} {_both(prop.labels)}", md.tokens(req.value), req.severity, md.ref(req.shape),
            _both(req.messages, "<br>"))) + " |")
    out += ["", "## Checks across the graph · 全图检查", ""]
    for check in guide.checks:
        out.append(f"- {md.ref(check.shape)} {_both(check.labels, ' · ')} ({check.severity or 'Violation'}): "
                   f"{_both(check.comments)} {_both(check.messages)}".rstrip())
    if guide.skipped:
        out += ["", "Shapes for " + ", ".join(md.ref(r) for r in guide.skipped)
                + " describe what the server publishes, not contributions: they are not listed here."]
    return md.text()


def _markdown_class(md: _Markdown, cls: ClassGuide) -> None:
    out = md.lines
    out += ["", f'<a id="{cls.name}"></a>', "", f"### {_both(cls.labels, ' · ')} ({md.ref(Ref(cls.iri, cls.curie))})", ""]
    definitions = [f"> {cls.definitions[lang]}" for lang in ("en", "zh") if lang in cls.definitions]
    if definitions:
        out += _join([[d] for d in definitions], ">") + [""]
    facts = [f"Subclass of {', '.join(md.ref(p) for p in cls.parents)}."] if cls.parents else []
    out += [" ".join(facts + [f"Resources in the graph: {cls.instances}."]), "", "Shapes that apply:", ""]
    for applied in cls.shapes:
        via = "" if applied.target.iri == cls.iri else f" (through {md.ref(applied.target)})"
        line = f"- {md.ref(applied.shape)}{via}: {_both(applied.comments or applied.labels)}"
        if applied.rule:
            line += f" Rule ({applied.severity}): {md.tokens(applied.rule)}. {_both(applied.messages)}"
        out.append(line)
    out += ["", "| property | status | count | value | languages | severity | shape | message |",
            "|---|---|---|---|---|---|---|---|"]
    for group in cls.properties:
        for index, req in enumerate(group.requirements):
            prop = f"{md.ref(group.path)} {_both(group.path.labels)}" if index == 0 else "″"
            status = STATUS_WORDS[group.status][0] if index == 0 else ""
            out.append("| " + " | ".join(_cell(cell) for cell in (
                prop, status, req.cardinality, md.tokens(req.value), ", ".join(req.languages),
                req.severity, md.ref(req.shape), _both(req.messages, "<br>"))) + " |")
    if cls.other_properties:
        out += ["", "Also in the ontology for this class (no shape constrains them): "
                + ", ".join(md.ref(p) for p in cls.other_properties) + "."]
    out.append("")
    if cls.example:
        labels = f" ({_both(cls.example.resource.labels)})" if cls.example.resource.labels else ""
        out += [f"Worked example: {md.ref(cls.example.resource)}{labels}.", "",
                "```turtle", cls.example.turtle.rstrip("\n"), "```"]
    else:
        out.append("No resource of this class in the curated graph yet, so no worked example.")


# ---------------------------------------------------------------- routes

def current_guide() -> Guide:
    """Built once per process, from the same files the app serves: they do not change while it runs."""
    cached = current_app.extensions.get("hrckg.guide")
    if cached is None:
        cached = build_guide()
        current_app.extensions["hrckg.guide"] = cached
    return cached


@blueprint.get("/contribute/guide")
def guide_page():
    lang = i18n.chosen_language()
    return html_response(render_template(
        "guide.html", guide=current_guide(), severities=SEVERITIES, statuses=STATUS_WORDS,
        pick=lambda values: i18n.in_language(values, lang) or ""))


@blueprint.get("/contribute/templates/<name>.ttl")
def template_file(name: str):
    found = {template.name: template for template in templates()}
    if name not in found:
        raise NotFound(f"there is no template {name!r}; the templates are: "
                       + ", ".join(f"{n}.ttl" for n in sorted(found)))
    return current_app.response_class(found[name].text, content_type="text/turtle; charset=utf-8")
