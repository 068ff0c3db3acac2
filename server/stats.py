"""`hrckg stats`: how many resources of each class and triples of each property a graph holds."""

from collections import Counter

from rdflib import Graph
from rdflib.namespace import RDF

from . import graph as files
from .namespaces import PREFIXES


def compact(iri: str) -> str:
    """Shorten an IRI with the project's prefixes, for readable tables."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def counts(graph: Graph) -> tuple[Counter, Counter]:
    classes = Counter(str(cls) for cls in graph.objects(None, RDF.type))
    properties = Counter(str(predicate) for predicate in graph.predicates())
    return classes, properties


def print_stats(paths=None) -> int:
    try:
        graph = files.load(paths) if paths else files.curated_graph()
    except files.LoadError as err:
        print(f"error: {err}")
        return 2
    classes, properties = counts(graph)
    subjects = len(set(graph.subjects()))
    print(f"{len(graph)} triples, {subjects} subjects, {len(classes)} classes, {len(properties)} properties")
    print("\ninstances per class")
    for cls, n in sorted(classes.items(), key=lambda item: (-item[1], item[0])):
        print(f"{n:8d}  {compact(cls)}")
    print("\ntriples per property")
    for prop, n in sorted(properties.items(), key=lambda item: (-item[1], item[0])):
        print(f"{n:8d}  {compact(prop)}")
    return 0
