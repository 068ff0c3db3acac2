"""Loading RDF files into a store, each into its own named graph, and remembering what was loaded.

The manifest graph (https://w3id.org/hrckg/graph/manifest) records, for every named graph loaded
from a file, the file's name and SHA-256. A server starting on an existing store compares the
project's files with it and reloads only the files whose checksum changed (and drops the graphs of
project files that were deleted), so a start with nothing changed reads a few triples and writes
nothing. The manifest is ordinary data: anyone can ask which file and checksum a graph came from."""

import gzip
import io
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from . import graph
from .identifiers import BASE, ONTOLOGY
from .progress import Progress

MANIFEST_GRAPH = BASE + "graph/manifest"
LOADED_PREFIX = BASE + "graph/load/"  # graphs of files from outside the project (hrckg load FILE)
_SOURCE_PREFIXES = tuple(f"{BASE}graph/{top}/" for top in ("ontology", "data", "shapes"))
_FILE_NAME = ox.NamedNode(ONTOLOGY + "fileName")
_SHA256 = ox.NamedNode(ONTOLOGY + "sha256")
_CHUNK = 1 << 20


@dataclass
class Loaded:
    """One file loaded: where it went, its checksum, and how long it took."""

    path: Path
    graph_iri: str
    sha256: str
    seconds: float
    triples: int | None = None


@dataclass
class Plan:
    """What a start must do to bring the store in step with the project's files."""

    load: list = field(default_factory=list)  # graph.Source
    drop: list[str] = field(default_factory=list)  # graph IRIs of deleted project files
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.load or self.drop)


def graph_for(path: Path) -> str:
    """The named graph a file is loaded into: a project file's own graph (graph.sources()), else
    graph/load/ and the file name without its extensions."""
    resolved = Path(path).resolve()
    for source in graph.sources():
        if source.path.resolve() == resolved:
            return source.graph_iri
    return LOADED_PREFIX + quote(resolved.name.split(".", 1)[0], safe="-_~")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The format named by the file's extension; a .gz after it means gzip."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in graph.FORMATS:
        raise graph.LoadError(path, f"unsupported file type {''.join(Path(path).suffixes)!r}; "
                                    f"use {', '.join(graph.FORMATS)}, optionally followed by .gz")
    return ox.RdfFormat.from_extension(suffixes[-1].lstrip("."))


class _Reader:
    """A binary file that counts and hashes the bytes read through it, for the progress bar and the manifest."""

    def __init__(self, raw, progress: Progress | None):
        self.raw, self.progress, self.digest = raw, progress, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(_CHUNK if size is None or size < 0 else size)
        self.digest.update(data)
        if self.progress is not None:
            self.progress.advance(len(data))
        return data

    def readable(self) -> bool:
        return True


def load_file(store, path: Path, graph_iri: str, progress: Progress | None = None) -> Loaded:
    """Replace the named graph graph_iri with the content of path (a bulk load, streamed from disk).

    The graph is emptied first: call this on a store nobody reads yet (a new DiskStore generation,
    a store being built) or an external store, whose Graph Store PUT replaces the graph at once."""
    path = Path(path)
    fmt = rdf_format(path)
    started = time.perf_counter()
    try:
        with open(path, "rb") as raw:
            reader = _Reader(raw, progress)
            stream = gzip.GzipFile(fileobj=reader) if path.suffix.lower() == ".gz" else reader
            _replace_graph(store, ox.NamedNode(graph_iri), stream, fmt, path.resolve().as_uri())
            while reader.read(_CHUNK):  # a parser may stop before the end (the hash covers every byte)
                pass
        seconds = time.perf_counter() - started
    except FileNotFoundError:
        raise graph.LoadError(path, "no such file") from None
    except SyntaxError as err:
        raise graph.LoadError(path, str(err)) from None
    except (OSError, EOFError) as err:  # a corrupt .gz, a directory, a refused upload
        raise graph.LoadError(path, str(err)) from None
    loaded = Loaded(path, graph_iri, reader.digest.hexdigest(), seconds)
    if progress is not None:
        loaded.triples = count(store, graph_iri)
        progress.finish(loaded.triples, seconds)
    return loaded


def count(store, graph_iri: str) -> int:
    """Triples in one named graph (graph_iri is one of ours or a file's: never text from a request)."""
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))["n"].value)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def recorded(store) -> dict[str, str]:
    """Graph IRI -> SHA-256 of the file it was loaded from, as the manifest says."""
    return {q.subject.value: q.object.value
            for q in store.quads_for_pattern(None, _SHA256, None, ox.NamedNode(MANIFEST_GRAPH))}


def plan(store, sources=None) -> Plan:
    """Which project files to (re)load, and which graphs of deleted project files to drop."""
    sources = graph.sources() if sources is None else sources
    known, result = recorded(store), Plan()
    for source in sources:
        if known.get(source.graph_iri) == sha256_of(source.path):
            result.unchanged += 1
        else:
            result.load.append(source)
    current = {source.graph_iri for source in sources}
    result.drop = sorted(iri for iri in known if iri.startswith(_SOURCE_PREFIXES) and iri not in current)
    return result


def apply(store, work: Plan, progress_stream=None) -> list[Loaded]:
    """Carry out a plan and record it in the manifest."""
    return load_files(store, [(source.path, source.graph_iri) for source in work.load], progress_stream, drop=work.drop)


def sync(store, sources=None) -> Plan:
    """Bring the store in step with the project's files; returns what was done."""
    work = plan(store, sources)
    if work:
        apply(store, work)
    return work


def load_paths(store, paths, progress_stream=None) -> list[Loaded]:
    """`hrckg load FILE...`: each file into graph_for(file)."""
    return load_files(store, [(Path(p), graph_for(Path(p))) for p in paths], progress_stream)


def load_files(store, targets: list[tuple[Path, str]], progress_stream=None, drop=()) -> list[Loaded]:
    """Load each (file, graph IRI), drop the graphs named in drop, and record both in the manifest."""
    seen = {}
    for path, iri in targets:
        if iri in seen:
            raise graph.LoadError(path, f"would go into the same named graph as {seen[iri]} ({iri}); rename one")
        seen[iri] = path
    loaded = [load_file(store, Path(path), iri, _progress(path, progress_stream)) for path, iri in targets]
    for iri in drop:
        store.remove_graph(ox.NamedNode(iri))
    record(store, loaded, list(drop))
    return loaded


def record(store, loaded: list[Loaded], dropped: list[str]) -> None:
    """Write the manifest entries of the loaded files, replacing older ones.

    No load time is kept: two servers loading the same files must serve the same bytes (downloads.py)."""
    manifest, replaced = ox.NamedNode(MANIFEST_GRAPH), set(dropped) | {item.graph_iri for item in loaded}
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, manifest) if q.subject.value not in replaced]
    for item in loaded:
        subject = ox.NamedNode(item.graph_iri)
        triples.append(ox.Triple(subject, _FILE_NAME, ox.Literal(_display_name(item.path))))
        triples.append(ox.Triple(subject, _SHA256, ox.Literal(item.sha256)))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    _replace_graph(store, manifest, io.BytesIO(data), ox.RdfFormat.N_TRIPLES, None)


def _replace_graph(store, target: ox.NamedNode, stream, fmt: ox.RdfFormat, base_iri: str | None) -> None:
    """Replace a named graph with what stream holds: a bulk load into the embedded store (emptied
    first), one Graph Store PUT into an external one."""
    if isinstance(store, ox.Store):
        if store.contains_named_graph(target):
            store.remove_graph(target)
        store.bulk_load(input=stream, format=fmt, base_iri=base_iri, to_graph=target)
    else:
        store.put_graph(target, stream, fmt, base_iri=base_iri)


def _display_name(path: Path) -> str:
    """A project file by its path in the project (data/generated/states.ttl); any other by its name."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(graph.ROOT).as_posix()
    except ValueError:
        return resolved.name


def _progress(path: Path, stream) -> Progress | None:
    return Progress(_display_name(path), os.path.getsize(path), stream) if stream is not None and Path(path).is_file() else None
