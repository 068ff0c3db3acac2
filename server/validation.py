"""SHACL validation of contributions against shapes/, with the ontology mixed in.

Two outcomes are kept apart (brief, Conventions 4): a Report says whether the data conforms and
why not; a ValidationError or LoadError says the data could not be validated at all.

pyshacl runs without inference: SHACL's sh:class and sh:targetClass already follow
rdfs:subClassOf in the mixed-in ontology, whereas RDFS inference would also apply rdfs:range and
make every object of hrc:sponsor a State (see shapes/README.md).
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from . import graph as files
from .namespaces import PREFIXES, SH

HRCSH = Namespace("https://w3id.org/hrckg/shapes#")
FORMATS = ("text", "json", "turtle")
_CJK = re.compile(r"[\u3400-\u9fff]")


class ValidationError(Exception):
    """Validation could not run (bad shapes, pyshacl failure): not the same as 'does not conform'."""


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult, flattened; terms stay rdflib nodes so no datatype is lost."""

    severity: str                  # Violation | Warning | Info
    focus_node: Node
    path: Node | str | None        # an IRI, or '^<iri>' for an inverse path
    value: Node | None
    message_en: str
    message_zh: str
    shape: Node                    # the named node shape the source shape belongs to
    source_shape: Node             # sh:sourceShape: the named property shape, or the node shape
    hint_en: str = ""              # what the contributor can do about it (hints.py), if we know
    hint_zh: str = ""


@dataclass
class Report:
    conforms: bool                         # no sh:Violation (warnings and infos do not count)
    results: list[Result]
    graph: Graph = field(repr=False)       # the sh:ValidationReport, for turtle output

    def count(self, severity: str) -> int:
        return sum(r.severity == severity for r in self.results)


# ---------------------------------------------------------------------------------------------
# Loading (shapes and ontology once per process; curated data again only when a file changed)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return files.load(files.shapes_files())


@lru_cache(maxsize=1)
def schema_graph() -> Graph:
    """What the shapes read from ontology/: declarations of classes and properties, their
    hierarchies, and each concept's scheme. Labels and definitions are left out: merged into the
    data they would only be validated again, every time, as if they were data."""
    ontology = files.load(files.ontology_files())
    schema = Graph()
    for predicate in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, SKOS.inScheme, SKOS.topConceptOf, SKOS.broader):
        for triple in ontology.triples((None, predicate, None)):
            schema.add(triple)
    return schema


@lru_cache(maxsize=2)
def _curated_data(stamp) -> Graph:
    return files.load(path for path, _ in stamp)


def curated_data() -> Graph:
    """data/ as one graph (without the ontology, which validation mixes in itself)."""
    return _curated_data(tuple((path, path.stat().st_mtime_ns) for path in files.data_files()))


# ---------------------------------------------------------------------------------------------
# Validation


def validate(data_graph: Graph, *, with_graph: bool = False, focus_nodes: set | None = None) -> Report:
    """Validate data_graph (merged with the curated data/ when with_graph) against shapes/;
    with focus_nodes, only the results about those resources are kept.

    (pyshacl's own focus_nodes option is not used: in pyshacl 0.40 it also filters the values
    that nested shapes check, so sh:qualifiedValueShape sees no literal and never fails.)"""
    # The schema (with the SKOS vocabularies' concepts) is merged here rather than passed as
    # pyshacl's ont_graph, which copies only RDFS/OWL axioms and would leave concepts untyped.
    data = Graph()
    data += data_graph
    data += schema_graph()
    if with_graph:
        data += curated_data()
    shapes = shapes_graph()
    try:
        # advanced=True for the SPARQL targets of the catch-all shapes (dangling links, terms);
        # allow_warnings: sh:Warning results are reported but do not make the data non-conforming;
        # inplace: `data` is our own copy, so pyshacl need not clone it again.
        conforms, report_graph, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, inplace=True,
            allow_warnings=True, allow_infos=True,
        )
    except Exception as err:  # any failure inside pyshacl means we could not validate
        raise ValidationError(f"pyshacl could not validate: {type(err).__name__}: {err}") from None
    top = report_graph.value(predicate=RDF.type, object=SH.ValidationReport)
    # only top-level results: pyshacl also lists the nested results of sh:node checks
    nodes = list(report_graph.objects(top, SH.result))
    if focus_nodes is not None:
        nodes = [node for node in nodes if report_graph.value(node, SH.focusNode) in focus_nodes]
        report_graph = _kept(report_graph, top, nodes)
    results = sorted((_result(report_graph, shapes, node) for node in nodes), key=sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    report_graph.set((top, SH.conforms, Literal(conforms)))
    return Report(conforms, results, report_graph)


def _kept(report: Graph, top, nodes) -> Graph:
    """A report holding only the given results, each with the blank nodes it reaches (paths, details)."""
    kept = Graph()
    for predicate, obj in report.predicate_objects(top):
        if predicate != SH.result:
            kept.add((top, predicate, obj))
    pending = list(nodes)
    for node in nodes:
        kept.add((top, SH.result, node))
    while pending:
        node = pending.pop()
        for predicate, obj in report.predicate_objects(node):
            kept.add((node, predicate, obj))
            if isinstance(obj, BNode) and (obj, None, None) not in kept:
                pending.append(obj)
    return kept


def _result(report: Graph, shapes: Graph, node) -> Result:
    en, zh = _messages(report, node)
    source = report.value(node, SH.sourceShape)
    return Result(
        severity=report.value(node, SH.resultSeverity).split("#")[-1],
        focus_node=report.value(node, SH.focusNode),
        path=_path(report, report.value(node, SH.resultPath)),
        value=report.value(node, SH.value),
        message_en=en,
        message_zh=zh,
        shape=next(iter(sorted(shapes.subjects(SH.property, source))), source),
        source_shape=source,
    )


def _messages(report: Graph, node) -> tuple[str, str]:
    """The English and Chinese sh:resultMessage. pyshacl (0.40) drops the language tag of messages
    it fills in from SPARQL variables; the tag is restored here, in the report graph too."""
    en = zh = ""
    for message in list(report.objects(node, SH.resultMessage)):
        lang = message.language or ("zh" if _CJK.search(message) else "en")
        if not message.language:
            report.remove((node, SH.resultMessage, message))
            report.add((node, SH.resultMessage, Literal(str(message), lang=lang)))
        if lang.startswith("zh"):
            zh = zh or str(message)
        elif lang.startswith("en"):
            en = en or str(message)
    return en, zh


def _path(report: Graph, path):
    """A predicate path as its IRI; an inverse path as '^<iri>'; anything else as Turtle-ish text."""
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        return f"^<{inverse}>" if inverse is not None else path.n3()
    return path


def sort_key(result: Result):
    return (str(result.focus_node), str(result.path or ""), str(result.source_shape), str(result.value or ""))


# ---------------------------------------------------------------------------------------------
# Output


def _namespaces() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, "hrcsh": str(HRCSH)}.items():
        graph.bind(prefix, namespace)
    return graph


def _short(term, ns: Graph) -> str:
    if term is None:
        return "-"
    if isinstance(term, str) and term.startswith("^<"):
        return "^" + URIRef(term[2:-1]).n3(ns.namespace_manager)
    if isinstance(term, URIRef):
        try:
            prefix, _, local = ns.namespace_manager.compute_qname(term, generate=False)
            if re.fullmatch(r"[A-Za-z0-9_-]*", local):
                return f"{prefix}:{local}"
        except (KeyError, ValueError):
            pass
    return term.n3(ns.namespace_manager) if hasattr(term, "n3") else str(term)


def format_text(report: Report) -> str:
    """Human-readable: one block per focus resource, then each problem with its shape."""
    ns = _namespaces()
    verdict = "conforms" if report.conforms else "does not conform"
    lines = [f"{verdict}: {report.count('Violation')} violation(s), {report.count('Warning')} warning(s), "
             f"{report.count('Info')} info(s)"]
    focus = object()
    for result in report.results:
        if result.focus_node != focus:
            focus = result.focus_node
            lines += ["", _short(focus, ns)]
        lines.append(f"  {result.severity}: {_short(result.path, ns)}"
                     + (f" = {_short(result.value, ns)}" if result.value is not None else ""))
        lines.append(f"    {result.message_en}")
        lines.append(f"    {result.message_zh}")
        where = _short(result.source_shape, ns)
        if result.shape != result.source_shape:
            where += f" (in {_short(result.shape, ns)})"
        lines.append(f"    shape: {where}")
        if result.hint_en:
            lines.append(f"    hint: {result.hint_en}")
            lines.append(f"    提示：{result.hint_zh}")
    return "\n".join(lines)


def term_json(term):
    """A term as in SPARQL 1.1 JSON results: {type, value, datatype | xml:lang}."""
    if term is None:
        return None
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    return {"type": "uri", "value": str(term)}


def format_json(report: Report) -> str:
    results = [{
        "severity": r.severity,
        "focusNode": str(r.focus_node),
        "path": None if r.path is None else str(r.path),
        "value": term_json(r.value),
        "message": {"en": r.message_en, "zh": r.message_zh},
        "shape": str(r.shape),
        "sourceShape": str(r.source_shape),
        **({"hint": {"en": r.hint_en, "zh": r.hint_zh}} if r.hint_en else {}),
    } for r in report.results]
    counts = {s: report.count(s) for s in ("Violation", "Warning", "Info")}
    return json.dumps({"conforms": report.conforms, "counts": counts, "results": results},
                      ensure_ascii=False, indent=2)


def format_turtle(report: Report) -> str:
    out = _namespaces()
    out += report.graph
    return out.serialize(format="turtle")


def format_report(report: Report, fmt: str) -> str:
    return {"text": format_text, "json": format_json, "turtle": format_turtle}[fmt](report)
