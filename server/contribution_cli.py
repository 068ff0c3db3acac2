"""`hrckg validate`, `hrckg diff` and `hrckg ingest`: contributions from the command line.

Exit status: 0 conforms (or applied), 1 does not conform (nothing applied), 2 could not be
checked (a message on stderr says what and where)."""

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import contributions, validation
from . import graph as files
from .contributions import Contribution, ContributionError, Diff
from .identifiers import BASE
from .store import DiskStore, Location, StoreLayoutError


def _fail(err: Exception) -> int:
    print(err, file=sys.stderr)
    return 2


def read(path: str, name: str | None = None) -> Contribution:
    """One contribution file, or a ContributionError naming the file."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ContributionError("no such file", source=path) from None
    except OSError as err:  # permission denied, a directory...
        raise ContributionError((err.strerror or str(err)).lower(), source=path) from None
    try:
        contribution = contributions.parse(data, Path(path).name)
    except ContributionError as err:
        raise ContributionError(err.message, err.line, err.column, err.status, source=path) from None
    return dataclasses.replace(contribution, name=name) if name else contribution


def open_store(args):
    """The store named on the command line (on disk, external), or the curated graph in memory."""
    return Location.from_arguments(args).open_for_reading()


def run_validate(args) -> int:
    try:
        if args.alone:
            report = validation.validate(files.load(args.files))
        elif args.all or not args.files:
            store = open_store(args)
            whole = store_graph(store)
            for path in args.files:
                whole += _as_rdflib(read(path))
            report = validation.validate(whole)
        else:
            store = open_store(args)
            report = contributions.check(store, combine([read(path) for path in args.files])).report
    except (ContributionError, files.LoadError, validation.ValidationError, StoreLayoutError, ValueError, OSError) as err:
        return _fail(err)
    print(validation.format_report(report, args.format))
    return 0 if report.conforms else 1


def run_diff(args) -> int:
    try:
        contribution = read(args.file)
        diff = contributions.compute_diff(open_store(args), contribution)
    except (ContributionError, StoreLayoutError, ValueError, OSError) as err:
        return _fail(err)
    if args.format == "json":
        print(json.dumps(contributions.diff_json(contribution, diff), ensure_ascii=False, indent=2))
    else:
        print(format_diff(contribution, diff))
    return 0


def run_ingest(args) -> int:
    try:
        location = Location.from_arguments(args)
        if location.path and DiskStore(location.path).generation() is None:
            raise StoreLayoutError(f"{location.path} holds no store yet: `hrckg load --store {location.path}` "
                                   "creates it with the curated graph")
        contribution = read(args.file, args.name)
        ingested = location.write(lambda store: contributions.ingest(store, contribution))
    except contributions.NotConforming as refused:
        print(validation.format_report(refused.outcome.report, args.format))
        print(f"hrckg: {refused}", file=sys.stderr)
        return 1
    except (ContributionError, StoreLayoutError, validation.ValidationError, ValueError, OSError) as err:
        return _fail(err)
    if args.format == "json":
        print(json.dumps({"graph": ingested.graph_iri, "added": ingested.added}))
    else:
        print(f"ingested {contribution.name}: {ingested.added} triples into <{ingested.graph_iri}> "
              f"({len(ingested.outcome.diff.new)} new resources, {len(ingested.outcome.diff.touched)} touched)")
    return 0


def combine(parts: list[Contribution]) -> Contribution:
    """Several files checked together as one contribution."""
    if len(parts) == 1:
        return parts[0]
    triples = tuple(dict.fromkeys(t for part in parts for t in part.triples))
    name = ", ".join(part.name for part in parts)
    digest = hashlib.sha256("".join(part.sha256 for part in parts).encode()).hexdigest()
    return Contribution(name, parts[0].format, digest, sum(part.size for part in parts), triples)


def store_graph(store: ox.Store) -> Graph:
    """Every triple of the store as rdflib, except the ontology and shapes (validation merges the
    schema itself, and shapes are not data)."""
    skipped = (BASE + "graph/ontology/", BASE + "graph/shapes/")
    graph = Graph()
    for quad in store:
        if not quad.graph_name.value.startswith(skipped):
            graph.add(tuple(contributions.to_rdflib(term) for term in (quad.subject, quad.predicate, quad.object)))
    return graph


def _as_rdflib(contribution: Contribution) -> Graph:
    graph = Graph()
    for t in contribution.triples:
        graph.add(tuple(contributions.to_rdflib(term) for term in (t.subject, t.predicate, t.object)))
    return graph


def format_diff(contribution: Contribution, diff: Diff) -> str:
    lines = [f"{contribution.name} (SHA-256 {contribution.sha256[:16]}…, {len(contribution.triples)} triples): "
             f"{len(diff.new)} new resource(s), {len(diff.touched)} touched, {len(diff.added)} triple(s) to add, "
             f"{diff.present} already in the graph"]
    for title, group in (("new", diff.new), ("touched", diff.touched)):
        for iri, triples in sorted(group.items()):
            lines += ["", f"{title} <{iri}> (+{len(triples)})"]
            lines += [f"  + {contributions.short(t.predicate)} {contributions.term_text(t.object)}"
                      for t in sorted(triples, key=contributions.triple_key)]
    if diff.linked:
        lines += ["", "existing resources it links to:"]
        lines += [f"  <{iri}> ({count} new link{'s' if count > 1 else ''})" for iri, count in sorted(diff.linked.items())]
    return "\n".join(lines)
