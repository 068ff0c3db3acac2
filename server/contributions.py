"""Contributions: read a file someone wants to add, check it merged with the graph it would join,
show what it would change, and apply it whole or not at all.

Only the resources a contribution adds or touches are validated, with the part of the graph
their shapes can reach (their own triples, their neighbours' triples, and the incoming links the
shapes follow), so checking a small contribution costs the same however large the graph is.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import hints, validation
from .identifiers import BASE, ID
from .namespaces import HRC, PREFIXES, SH
from .store import select

# The formats a contribution may come in, by media type and by file extension.
MEDIA_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
              ".jsonld": ox.RdfFormat.JSON_LD}
MAX_BYTES = 8 << 20  # a contribution is a document or a batch of recommendations, not a bulk load
CONTRIBUTION_GRAPHS = BASE + "graph/contribution/"
HRCSH = validation.HRCSH

# Kinds of resource a contribution may mint, as the first segment after id/ (data/README.md, IRIs).
IRI_KINDS = ("doc", "country", "place", "org", "mechanism", "fund", "session", "agenda-item", "activity",
             "meeting", "recommendation", "group")
_ID_PATH = re.compile(r"(%s)(/(?!\.\.?(?:/|$))[A-Za-z0-9._()~-]+)+" % "|".join(map(re.escape, IRI_KINDS)))
_RDF_TYPE = ox.NamedNode(str(RDF.type))


class ContributionError(Exception):
    """The contribution could not be checked at all (unreadable, wrong type, too large): not the
    same as a contribution that does not conform, which gets a report."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, status: int = 400,
                 source: str | None = None):
        self.message, self.line, self.column, self.status, self.source = message, line, column, status, source
        if source:  # as compilers do: file:line:column: message
            where = source + "".join(f":{n}" for n in (line, column) if n) + ": "
        else:
            where = f"line {line}, column {column}: " if line else ""
        super().__init__(where + message)


class AlreadyIngested(ContributionError):
    def __init__(self, graph_iri: str):
        super().__init__(f"this file (same SHA-256) was already ingested, as the named graph <{graph_iri}>", status=409)


@dataclass(frozen=True)
class Contribution:
    name: str                      # the file name, or what the client called the upload
    format: ox.RdfFormat
    sha256: str
    size: int                      # bytes
    triples: tuple[ox.Triple, ...]  # distinct triples; TriG graph names are not kept

    @property
    def graph_iri(self) -> str:
        """The named graph it goes into: one per distinct file content."""
        return CONTRIBUTION_GRAPHS + self.sha256[:16]


@dataclass
class Diff:
    """What applying a contribution would change."""

    new: dict[str, list[ox.Triple]] = field(default_factory=dict)      # resource IRI -> its triples
    touched: dict[str, list[ox.Triple]] = field(default_factory=dict)  # existing resource -> triples added
    linked: dict[str, int] = field(default_factory=dict)               # existing resource -> new links to it
    present: int = 0                                                   # triples already in the graph

    @property
    def added(self) -> list[ox.Triple]:
        return [t for triples in (*self.new.values(), *self.touched.values()) for t in triples]


@dataclass
class Outcome:
    contribution: Contribution
    report: validation.Report
    diff: Diff
    focus: int = 0  # resources validated


# ---------------------------------------------------------------------------------------------
# Reading


def rdf_format(media_type: str | None, name: str) -> ox.RdfFormat:
    """The format from the Content-Type (charset must be UTF-8 if given), else from the file name."""
    if media_type:
        essence, *parameters = [part.strip() for part in media_type.split(";")]
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
                raise ContributionError(f"charset {value.strip()!r} is not supported: send UTF-8", status=415)
        found = MEDIA_TYPES.get(essence.lower())
        if found is None:
            raise ContributionError(f"unsupported media type {essence!r}; send one of {', '.join(MEDIA_TYPES)}", status=415)
        return found
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix not in EXTENSIONS:
        raise ContributionError(f"cannot tell the format of {name!r}: use one of {', '.join(EXTENSIONS)} "
                                "or give the media type", status=415)
    return EXTENSIONS[suffix]


def parse(data: bytes, name: str, media_type: str | None = None, max_bytes: int = MAX_BYTES) -> Contribution:
    """Read a contribution; raises ContributionError naming what is wrong and where."""
    fmt = rdf_format(media_type, name)
    if len(data) > max_bytes:
        raise ContributionError(f"{name} is {len(data):,} bytes; a contribution may have at most {max_bytes:,}", status=413)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a UTF-8 byte-order mark is harmless
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as err:
        line = body.count(b"\n", 0, err.start) + 1
        line_start = body.rfind(b"\n", 0, err.start) + 1
        column = len(body[line_start:err.start].decode("utf-8", "replace")) + 1  # characters, as syntax errors count
        raise ContributionError(f"not UTF-8: byte 0x{body[err.start]:02X} ({err.reason}); save the file as UTF-8",
                                line, column) from None
    if not body.strip():
        raise ContributionError(f"{name} is empty: a contribution needs at least one triple")
    try:
        # Relative IRIs resolve against id/, so <country/KHM> names the State; nothing is fetched
        # (pyoxigraph's JSON-LD parser refuses remote contexts).
        quads = list(ox.parse(body, format=fmt, base_iri=ID))
    except SyntaxError as err:
        if "LoadDocumentCallback" in err.msg:
            raise ContributionError("a remote JSON-LD @context is never fetched: put the context inline in the document",
                                    err.lineno, err.offset) from None
        raise ContributionError(f"bad syntax: {_reason(err)}", err.lineno, err.offset) from None
    if any(isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple) for q in quads):
        raise ContributionError("quoted triples (RDF-star) are not supported in contributions")
    triples = _as_stored(quads)
    if not triples:
        raise ContributionError(f"{name} holds no triples (only prefixes or comments?)")
    return Contribution(name, fmt, hashlib.sha256(data).hexdigest(), len(data), triples)


def _as_stored(quads) -> tuple[ox.Triple, ...]:
    """The distinct triples as the store will keep them: pyoxigraph stores literals in canonical
    form ("1.50" as "1.5", xsd:positiveInteger as xsd:integer), so that is what is validated and
    compared with the graph. Sorted, so the same file always gives the same order."""
    canonical = ox.Store()
    canonical.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return tuple(sorted((ox.Triple(q.subject, q.predicate, q.object) for q in canonical), key=triple_key))


def _reason(err: SyntaxError) -> str:
    """pyoxigraph's message without its own 'Parser error at line ...:' prefix (we give the place)."""
    return re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", err.msg)


# ---------------------------------------------------------------------------------------------
# Checking


def check(store: ox.Store, contribution: Contribution) -> Outcome:
    """Validate the contribution merged with the store's graph, and work out its diff."""
    diff = compute_diff(store, contribution)
    focus = _focus(contribution)
    report = validation.validate(_neighbourhood(store, contribution, focus), focus_nodes={to_rdflib(n) for n in focus})
    rule_results = contribution_rules(store, contribution)
    results = hints.with_hints(store, sorted(rule_results + report.results, key=validation.sort_key))
    merged = validation.Report(not any(r.severity == "Violation" for r in results), results, report.graph)
    add_to_report_graph(merged, rule_results)
    return Outcome(contribution, merged, diff, len(focus))


@lru_cache(maxsize=1)
def _shape_links() -> tuple[tuple[ox.NamedNode, ...], tuple[ox.NamedNode, ...]]:
    """Predicates the shapes follow from object to subject: those of inverse paths, and those a
    SPARQL constraint or target names (they join resources, e.g. the other paragraphs of a document)."""
    shapes = validation.shapes_graph()
    inverse = sorted({str(p) for p in shapes.objects(None, SH.inversePath)})
    joined = set()
    for text in shapes.objects(None, SH.select):
        for prefix, local in re.findall(r"\b([a-z]+):([A-Za-z][A-Za-z0-9_]*)\b", str(text)):
            if prefix in PREFIXES and prefix not in ("xsd", "rdf", "owl"):
                joined.add(PREFIXES[prefix] + local)
    return tuple(map(ox.NamedNode, inverse)), tuple(map(ox.NamedNode, sorted(joined)))


def _focus(contribution: Contribution) -> set[ox.NamedNode]:
    """The resources to validate: every subject, and every existing resource the contribution
    links to through a predicate some shape follows backwards (a sponsorship's draft, a board's fund)."""
    inverse, _ = _shape_links()
    focus = {t.subject for t in contribution.triples if isinstance(t.subject, ox.NamedNode)}
    focus |= {t.object for t in contribution.triples if t.predicate in inverse and isinstance(t.object, ox.NamedNode)}
    return focus


def _neighbourhood(store: ox.Store, contribution: Contribution, focus: set[ox.NamedNode]) -> Graph:
    """The contribution plus what the shapes of its focus resources can reach in the store: their
    triples and incoming links along inverse paths; their neighbours' triples; the types of the
    neighbours' neighbours; and, for resources joined in SPARQL constraints (the paragraphs of the
    same document), the joining resources' values of the predicates those constraints name."""
    inverse, joined = _shape_links()
    triples: set[ox.Triple] = set(contribution.triples)

    def take(subject, predicate=None, obj=None) -> list[ox.Triple]:
        found = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(subject, predicate, obj, None)]
        triples.update(found)
        return found

    for node in focus:
        take(node)
        for predicate in inverse:
            for triple in take(None, predicate, node):
                take(triple.subject, _RDF_TYPE)
    neighbours = {t.object for t in list(triples) if t.subject in focus and not isinstance(t.object, ox.Literal)} - focus
    further = set()
    for node in neighbours:
        further.update(t.object for t in take(node) if not isinstance(t.object, ox.Literal))
    for node in focus | neighbours:
        if not node.value.startswith(ID):  # a class or a concept joins everything of its kind: not a sibling
            continue
        for predicate in joined:
            for triple in take(None, predicate, node):
                for value in joined + (_RDF_TYPE,):
                    take(triple.subject, value)
    for node in further - neighbours - focus:
        take(node, _RDF_TYPE)
    graph = Graph()
    for triple in triples:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


def to_rdflib(term):
    """A pyoxigraph term as the rdflib term a Turtle parser would have made (plain strings untyped)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


# ---------------------------------------------------------------------------------------------
# Rules SHACL cannot state about the contribution as such (shapes see only the merged graph)


def _rule(rule: str, focus, path, value, en: str, zh: str) -> validation.Result:
    shape = HRCSH[rule]
    return validation.Result("Violation", to_rdflib(focus), None if path is None else to_rdflib(path),
                             None if value is None else to_rdflib(value), en, zh, shape, shape)


def contribution_rules(store: ox.Store, contribution: Contribution) -> list[validation.Result]:
    """No blank nodes, IRIs of ours that follow the patterns, and no silent redefinition of
    existing resources, typed new resources (shapes/contributions-shapes.ttl describes each rule)."""
    results = []
    for triple in contribution.triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                results.append(_rule(
                    "ContributionNoBlankNodes", term, triple.predicate, None,
                    "A blank node cannot be linked to, traced or told apart from the same thing in another contribution: "
                    f"give this resource an IRI under {ID} (see data/README.md, IRIs).",
                    f"空白节点无法被链接、追溯，也无法与其他贡献中的同一事物区分：请为该资源分配 {ID} 下的 IRI(见 data/README.md 的 IRI 一节)。"))
        results += _iri_rules(triple)
    results += _redefinitions(store, contribution)
    results += _untyped(store, contribution)
    return list(dict.fromkeys(results))


def _untyped(store: ox.Store, contribution: Contribution) -> list[validation.Result]:
    """A new resource without rdf:type would escape every shape of its class."""
    typed = {t.subject for t in contribution.triples if t.predicate == _RDF_TYPE}
    subjects = {t.subject for t in contribution.triples if isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith(ID) and _ID_PATH.fullmatch(t.subject.value[len(ID):])}
    return [_rule("ContributionTypedResources", subject, _RDF_TYPE, None,
                  f"<{subject.value}> is new but has no rdf:type: say what it is (e.g. hrc:Resolution, hrc:Recommendation), "
                  "so the shapes of its class can check it.",
                  f"<{subject.value}> 是新资源，但没有 rdf:type：请说明其类型(如 hrc:Resolution、hrc:Recommendation)，"
                  "以便其类别的形状对其进行检查。")
            for subject in sorted(subjects - typed, key=lambda n: n.value) if not _exists(store, subject)]


# Statements that would change what the shapes mean (the class and property hierarchy, declarations).
_SCHEMA_PREDICATES = {PREFIXES["rdfs"] + name for name in ("subClassOf", "subPropertyOf", "domain", "range")}
_SCHEMA_TYPES = {PREFIXES["owl"] + name for name in ("Class", "ObjectProperty", "DatatypeProperty", "Ontology")} | {
    PREFIXES["rdfs"] + "Class", PREFIXES["rdf"] + "Property"}


def _is_schema(triple: ox.Triple) -> bool:
    predicate = triple.predicate.value
    return (predicate in _SCHEMA_PREDICATES or (predicate.startswith(PREFIXES["owl"]) and predicate != PREFIXES["owl"] + "sameAs")
            or predicate.startswith(str(SH)) or (triple.predicate == _RDF_TYPE and triple.object.value in _SCHEMA_TYPES))


def _iri_rules(triple: ox.Triple) -> list[validation.Result]:
    results = []
    subject = triple.subject
    if (isinstance(subject, ox.NamedNode) and not subject.value.startswith(ID)) or _is_schema(triple):
        results.append(_rule(
            "ContributionOwnNamespace", subject, triple.predicate, None,
            f"Contributions describe resources under {ID}, with our ontology's and other vocabularies' terms; "
            "classes, properties, the ontology, vocabularies, shapes and graphs change through the project's "
            "repository, not through contributions.",
            f"贡献数据只能描述 {ID} 下的资源，并使用本体及其他词汇的术语；类、属性、本体、词表、形状和命名图"
            "须通过项目代码库修改，不能通过贡献数据修改。"))
    for term in (subject, triple.object):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID) and not _ID_PATH.fullmatch(term.value[len(ID):]):
            results.append(_rule(
                "ContributionIRIPattern", term, None, term,
                f"<{term.value}> does not follow the IRI patterns: id/{{kind}}/{{segment}}/..., where kind is one of "
                f"{', '.join(IRI_KINDS)} and segments use only letters, digits and . _ ( ) ~ - (no spaces, and no empty, . or .. segments); "
                "e.g. id/doc/A-HRC-RES-33-28, id/country/KHM.",
                f"<{term.value}> 不符合 IRI 模式：id/{{类别}}/{{段}}/...，类别为 {', '.join(IRI_KINDS)} 之一，"
                "各段只能使用字母、数字和 . _ ( ) ~ -(不能有空格或空段)；例如 id/doc/A-HRC-RES-33-28、id/country/KHM。"))
    return results


def _redefinitions(store: ox.Store, contribution: Contribution) -> list[validation.Result]:
    """An existing resource may gain links and values it lacks, but not a new type, nor a second
    value in the same language (or of the same datatype) for a literal property it already has."""
    results = []
    for triple in contribution.triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if not isinstance(subject, ox.NamedNode) or _has(store, triple):
            continue
        existing = [q.object for q in store.quads_for_pattern(subject, predicate, None, None)]
        if predicate == _RDF_TYPE and _exists(store, subject):
            types = sorted({q.object.value for q in store.quads_for_pattern(subject, _RDF_TYPE, None, None)})
            results.append(_rule(
                "ContributionNoRedefinition", subject, predicate, obj,
                f"<{subject.value}> already exists (as {', '.join(f'<{t}>' for t in types) or 'an untyped resource'}); "
                "a contribution may link to it and add what it lacks, but cannot give it another type. "
                "If this is a different resource, give it another IRI.",
                f"<{subject.value}> 已存在(类型为 {', '.join(f'<{t}>' for t in types) or '无类型'})；"
                "贡献数据可以链接到它并补充其缺少的内容，但不能赋予它其他类型。如果这是另一个资源，请使用其他 IRI。"))
        elif isinstance(obj, ox.Literal):
            clash = [old for old in existing if isinstance(old, ox.Literal) and _same_kind(old, obj)]
            if clash:
                results.append(_rule(
                    "ContributionNoRedefinition", subject, predicate, obj,
                    f"<{subject.value}> already has {short(predicate)} {term_text(clash[0])}; "
                    "a contribution cannot replace or duplicate an existing value (correct the curated data instead).",
                    f"<{subject.value}> 已有 {short(predicate)} {term_text(clash[0])}；"
                    "贡献数据不能替换或重复已有的值(请改为更正人工整理的数据)。"))
    return results


def _has(store: ox.Store, triple: ox.Triple) -> bool:
    """Whether any graph of the store holds the triple."""
    return next(iter(store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)), None) is not None


def _exists(store: ox.Store, node) -> bool:
    return next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None


def _same_kind(a: ox.Literal, b: ox.Literal) -> bool:
    return a.language == b.language if (a.language or b.language) else a.datatype == b.datatype


def short(iri: ox.NamedNode) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.value.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_-]+", iri.value[len(namespace):]):
            return f"{prefix}:{iri.value[len(namespace):]}"
    return f"<{iri.value}>"


def term_text(term) -> str:
    """A term as in Turtle, with our prefixes."""
    if isinstance(term, ox.NamedNode):
        return short(term)
    if isinstance(term, ox.Literal) and term.language:
        return f'"{term.value}"@{term.language}'
    if isinstance(term, ox.Literal) and term.datatype.value != str(XSD.string):
        return f'"{term.value}"^^{short(term.datatype)}'
    return str(term)


def triple_key(triple: ox.Triple):
    return (triple.subject.value, triple.predicate.value, str(triple.object))


def add_to_report_graph(report: validation.Report, results: list[validation.Result]) -> None:
    """Put the contribution rules' results (and every hint) into the sh:ValidationReport too."""
    graph = report.graph
    top = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    if top is None:
        top = BNode()
        graph.add((top, RDF.type, SH.ValidationReport))
    graph.set((top, SH.conforms, Literal(report.conforms)))
    for result in results:
        node = BNode()
        graph.add((top, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus_node))
        graph.add((node, SH.resultSeverity, SH[result.severity]))
        graph.add((node, SH.sourceShape, result.source_shape))
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        graph.add((node, SH.resultMessage, Literal(result.message_en, lang="en")))
        graph.add((node, SH.resultMessage, Literal(result.message_zh, lang="zh")))


# ---------------------------------------------------------------------------------------------
# What would change


def compute_diff(store: ox.Store, contribution: Contribution) -> Diff:
    diff = Diff()
    existing: dict = {}
    for triple in contribution.triples:
        if _has(store, triple):
            diff.present += 1
            continue
        key = triple.subject.value
        if key not in existing:
            existing[key] = isinstance(triple.subject, ox.NamedNode) and _exists(store, triple.subject)
        (diff.touched if existing[key] else diff.new).setdefault(key, []).append(triple)
        obj = triple.object
        if isinstance(obj, ox.NamedNode) and obj.value.startswith(ID) and obj.value not in diff.new and _exists(store, obj):
            diff.linked[obj.value] = diff.linked.get(obj.value, 0) + 1
    for iri in list(diff.linked):
        if iri in diff.new:
            del diff.linked[iri]
    return diff


def diff_json(contribution: Contribution, diff: Diff) -> dict:
    """The diff for HTTP clients: per resource, the triples added, as SPARQL JSON terms."""
    def triples(group):
        return [{"resource": iri, "triples": [{"predicate": t.predicate.value, "object": validation.term_json(to_rdflib(t.object))}
                                              for t in sorted(items, key=triple_key)]}
                for iri, items in sorted(group.items())]
    return {"contribution": {"name": contribution.name, "sha256": contribution.sha256, "bytes": contribution.size,
                             "triples": len(contribution.triples), "graph": contribution.graph_iri},
            "added": len(diff.added), "alreadyPresent": diff.present,
            "new": triples(diff.new), "touched": triples(diff.touched),
            "linked": [{"resource": iri, "links": count} for iri, count in sorted(diff.linked.items())]}


# ---------------------------------------------------------------------------------------------
# Applying


@dataclass(frozen=True)
class Ingested:
    graph_iri: str
    added: int
    outcome: Outcome


class NotConforming(Exception):
    """Ingest refused: the contribution does not conform (the outcome holds the report)."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
        super().__init__(f"{outcome.contribution.name} does not conform "
                         f"({outcome.report.count('Violation')} violation(s)); nothing was applied")


def ingest(store: ox.Store, contribution: Contribution, now: datetime | None = None) -> Ingested:
    """Validate, then add the contribution's new triples with their provenance to its own named
    graph in one transaction (pyoxigraph's extend is all or nothing). Raises NotConforming,
    AlreadyIngested, or ContributionError when it would add nothing."""
    graph = ox.NamedNode(contribution.graph_iri)
    if store.contains_named_graph(graph):
        raise AlreadyIngested(contribution.graph_iri)
    outcome = check(store, contribution)
    if not outcome.report.conforms:
        raise NotConforming(outcome)
    added = outcome.diff.added
    if not added:
        raise ContributionError("every triple of this contribution is already in the graph: nothing to add", status=409)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in added]
    quads += provenance(contribution, len(added), now or datetime.now(timezone.utc))
    store.extend(quads)
    return Ingested(contribution.graph_iri, len(added), outcome)


def provenance(contribution: Contribution, added: int, when: datetime) -> list[ox.Quad]:
    graph = ox.NamedNode(contribution.graph_iri)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    facts = [
        (ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HRC.Contribution))),
        (ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(f"Contribution {contribution.name}", language="en")),
        (ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(f"贡献数据 {contribution.name}", language="zh")),
        (ox.NamedNode(PREFIXES["prov"] + "generatedAtTime"),
         ox.Literal(when.isoformat(timespec="seconds"), datatype=ox.NamedNode(xsd + "dateTime"))),
        (ox.NamedNode(str(HRC.fileName)), ox.Literal(contribution.name)),
        (ox.NamedNode(str(HRC.sha256)), ox.Literal(contribution.sha256)),
        (ox.NamedNode("http://rdfs.org/ns/void#triples"), ox.Literal(str(added), datatype=ox.NamedNode(xsd + "integer"))),
    ]
    return [ox.Quad(graph, predicate, obj, graph) for predicate, obj in facts]


def ingested(store: ox.Store) -> list[dict]:
    """The contributions in the store, newest first."""
    return select(store, """
        PREFIX hrc: <https://w3id.org/hrckg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?graph ?name ?when ?sha256 ?triples WHERE {
            GRAPH ?graph { ?graph a hrc:Contribution ; hrc:fileName ?name ; prov:generatedAtTime ?when ;
                           hrc:sha256 ?sha256 ; void:triples ?triples }
        } ORDER BY DESC(?when)""")

