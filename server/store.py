"""All access to the pyoxigraph store: opening it, loading the project's files, reading its shape.

Each file of ontology/, data/ and shapes/ goes into its own named graph (see graph.sources());
queries see the union of them as their default graph.

An on-disk store is a directory of generations (DiskStore): every change is written to a new
generation and published by swapping one symbolic link, so readers never share a database with a
writer, and a writer killed half-way leaves the published generation exactly as it was."""

import fcntl
import gc
import os
import re
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import loading

def load_sources(store, sources=None) -> int:
    """Bring the store in step with the project's files (only files whose checksum changed are
    reloaded, see loading.py); returns the number of files loaded."""
    return len(loading.sync(store, sources).load)


def curated_store(path: str | None = None) -> ox.Store:
    """A store holding the curated graph: in memory, or the DiskStore at path (created if missing,
    brought in step with the project's files, contributions ingested earlier kept). Returns a
    read-only handle then."""
    if not path:
        store = ox.Store()
        load_sources(store)
        return store
    disk = DiskStore(path)
    disk.sync()
    return disk.open_read_only()[0]


@dataclass(frozen=True)
class Location:
    """Where the store is, as configured: an on-disk store (path), an external SPARQL store (its
    query, update and Graph Store Protocol URLs), or neither (the curated graph in memory)."""

    path: str | None = None
    query_url: str | None = None
    update_url: str | None = None
    graph_store_url: str | None = None

    @classmethod
    def from_config(cls, config) -> "Location":
        location = cls(config.get("STORE_PATH"), config.get("STORE_QUERY_URL"), config.get("STORE_UPDATE_URL"),
                       config.get("STORE_GRAPH_STORE_URL"))
        location.check()
        return location

    @classmethod
    def from_arguments(cls, args) -> "Location":
        location = cls(getattr(args, "store", None), getattr(args, "sparql_query", None),
                       getattr(args, "sparql_update", None), getattr(args, "graph_store", None))
        location.check()
        return location

    def check(self) -> None:
        if self.path and self.query_url:
            raise ValueError("give either an on-disk store (--store) or an external one (--sparql-query), not both")
        if (self.update_url or self.graph_store_url) and not self.query_url:
            raise ValueError("an external store needs its query URL (--sparql-query) too")
        if self.query_url:
            from .remote import check_urls

            check_urls(self.query_url, self.update_url, self.graph_store_url)

    @property
    def remote(self) -> bool:
        return bool(self.query_url)

    @property
    def writable(self) -> bool:
        return bool(self.path) or bool(self.update_url and self.graph_store_url)

    def external(self):
        from .remote import SparqlHttpStore

        return SparqlHttpStore(self.query_url, self.update_url, self.graph_store_url)

    def open_for_reading(self):
        """The store to read: read-only on disk, the external one, or the curated graph in memory."""
        if self.remote:
            return self.external()
        if self.path:
            return DiskStore(self.path).open_read_only()[0]
        return curated_store()

    def write(self, change):
        """Run change(store) where writes go: a new generation on disk (all or nothing), or the external store."""
        if self.remote:
            if not self.writable:
                raise StoreLayoutError("the external store is read-only here: give its update URL (--sparql-update) "
                                       "and Graph Store Protocol URL (--graph-store) to change it")
            return change(self.external())
        if not self.path:
            raise StoreLayoutError("give the store to change: --store PATH, or an external store's URLs")
        return DiskStore(self.path).write(change)

    def arguments(self) -> list[str]:
        """The same location as `hrckg` command-line options (for a subprocess)."""
        pairs = (("--store", self.path), ("--sparql-query", self.query_url), ("--sparql-update", self.update_url),
                 ("--graph-store", self.graph_store_url))
        return [f"{option}={value}" for option, value in pairs if value]

    def __str__(self) -> str:
        return self.query_url or self.path or "memory"


def add_location_arguments(parser, path_help: str) -> None:
    parser.add_argument("--store", metavar="PATH", help=path_help)
    parser.add_argument("--sparql-query", metavar="URL",
                        help="use an external SPARQL 1.1 store instead: its query URL (its default graph must be "
                             "the union of its named graphs)")
    parser.add_argument("--sparql-update", metavar="URL", help="the external store's SPARQL update URL (to write)")
    parser.add_argument("--graph-store", metavar="URL",
                        help="the external store's Graph Store Protocol URL (to load files)")


class StoreLayoutError(Exception):
    """A --store directory that is not (and cannot become) a DiskStore."""


class DiskStore:
    """An on-disk store kept as immutable generations: PATH/generations/NNNNNN, with the symbolic
    link PATH/current naming the published one.

    A writer (one at a time, under an flock) checkpoints the current generation into a new one
    (RocksDB hard-links its files, so this is cheap), changes the copy, and publishes it by
    replacing the link. Readers open the published generation read-only and re-open when the link
    changes. pyoxigraph calls reading a database that another process writes undefined behaviour;
    here no published generation is ever written again."""

    KEEP = 3  # generations kept: the current one and two before, which slow readers may still hold

    def __init__(self, path):
        self.path = Path(path)
        self.pointer = self.path / "current"
        self.generations = self.path / "generations"

    def generation(self) -> str | None:
        """The name of the published generation, or None before the first write."""
        try:
            return os.readlink(self.pointer)
        except FileNotFoundError:
            return None

    def open_read_only(self) -> tuple[ox.Store, str]:
        generation = self.generation()
        if generation is None:
            raise StoreLayoutError(f"{self.path} holds no store yet: load it first (hrckg load --store {self.path})")
        return ox.Store.read_only(str(self.path / generation)), generation

    def sync(self) -> loading.Plan:
        """Reload the project files whose checksum changed into a new generation; when nothing
        changed, write nothing (a start on an existing store then costs a few reads)."""
        self._check_layout()
        if self.generation() is not None and not loading.plan(self.open_read_only()[0]):
            return loading.Plan()
        return self.write(lambda store: loading.sync(store))  # planned again under the lock: another start may have synced

    def write(self, change):
        """Run change(store) on a writable copy of the current generation and publish the copy if
        change returns; if it raises, or the process dies, nothing is published. Returns its result.

        change must not keep the store: the copy is closed before readers may open it."""
        self._check_layout()
        self.generations.mkdir(parents=True, exist_ok=True)
        with open(self.path / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.generation()
            self._remove_unpublished(current)
            target = self.generations / f"{self._number(current) + 1:06d}"
            store = None
            try:
                if current is not None:
                    ox.Store.read_only(str(self.path / current)).backup(str(target))
                store = ox.Store(str(target))
                result = change(store)
                store.flush()
                del store
                gc.collect()  # pyshacl's generators can keep a frame holding the store in a cycle: close it now
            except BaseException as err:
                # Close the copy before removing it: the frames of the traceback still hold it, and an
                # open RocksDB would write its files again into the removed directory.
                traceback.clear_frames(err.__traceback__)
                store = None
                gc.collect()
                _remove_directory(target)
                raise
            self._publish(target.relative_to(self.path).as_posix())
            self._prune()
            return result

    def _check_layout(self) -> None:
        if (self.path / "CURRENT").exists() and not self.pointer.is_symlink():
            raise StoreLayoutError(f"{self.path} is a plain oxigraph database, not an hrckg store directory; "
                                   "move it away (hrckg rebuilds the store from data/ and contributions are re-ingested)")

    def _publish(self, relative: str) -> None:
        temporary = self.path / "current.new"
        temporary.unlink(missing_ok=True)
        os.symlink(relative, temporary)
        os.replace(temporary, self.pointer)
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    @staticmethod
    def _number(generation: str | None) -> int:
        return int(generation.rsplit("/", 1)[-1]) if generation else 0

    def _existing(self) -> list[Path]:
        return sorted(p for p in self.generations.iterdir() if re.fullmatch(r"[0-9]{6}", p.name))

    def _remove_unpublished(self, current: str | None) -> None:
        """Generations newer than the published one are left by a writer that died: remove them."""
        for path in self._existing():
            if int(path.name) > self._number(current):
                shutil.rmtree(path, ignore_errors=True)

    def _prune(self) -> None:
        for path in self._existing()[:-self.KEEP]:
            shutil.rmtree(path, ignore_errors=True)


def _remove_directory(path: Path, attempts: int = 20) -> None:
    """Remove a failed generation. A bulk load's writer threads can still be finishing a file when
    the error reaches us, so try again briefly; a leftover is removed by the next write anyway."""
    for _ in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05)


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(query)}


def select(store: ox.Store, query: str, **bindings) -> list[dict]:
    """Run one of the server's own SELECT queries over the union graph.

    Bindings go in as pyoxigraph substitutions (never string formatting); a bound variable must be projected."""
    substitutions = {ox.Variable(name): value for name, value in bindings.items()}
    solutions = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


def current() -> ox.Store:
    """The store of the app serving the current request."""
    from flask import current_app

    return current_app.extensions["hrckg.store"].get()


class StoreHandle:
    """How each process reaches the store.

    An in-memory store is handed to worker and query processes by fork. A store on disk is opened
    read-only once per process, because a RocksDB handle must not cross a fork, and again when a
    writer has published a new generation (refresh(), called before each request). An external
    store is asked at most every REMOTE_CHECK_SECONDS whether anything was loaded or ingested since
    (its fingerprint), so several servers on one store all drop their caches after a change."""

    REMOTE_CHECK_SECONDS = 1.0

    def __init__(self, store=None, path: str | None = None, location: Location | None = None):
        if (store is None) == (path is None):
            raise ValueError("give either a store or the path of one on disk")
        self._store, self.path, self._pid = store, path, None
        self.disk = DiskStore(path) if path is not None else None
        self.remote = store is not None and hasattr(store, "fingerprint")
        self.location = location or (Location(path=path) if path else Location())
        self._generation, self._checked = None, 0.0
        self._listeners = []

    def get(self):
        if self.disk is not None and self._pid != os.getpid():
            (self._store, self._generation), self._pid = self.disk.open_read_only(), os.getpid()
        return self._store

    def on_change(self, listener) -> None:
        """Call listener() whenever the data this process sees has changed (to drop caches)."""
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in self._listeners:
            listener()

    def refresh(self, now: bool = False) -> None:
        """Re-open the store if a writer has published a new generation since this process opened it
        (on disk), or drop the caches if the external store's content changed.

        Called before each request, so a worker opens the store before it starts any query process,
        and no query process can hold an older generation than the worker knows of."""
        if self.remote:
            self._refresh_remote(now)
        elif self.disk is None:
            return
        elif self._pid != os.getpid():
            self.get()
        elif self.disk.generation() != self._generation:
            self._pid = None
            self.get()
            self.changed()

    def _refresh_remote(self, now: bool) -> None:
        if not now and time.monotonic() - self._checked < self.REMOTE_CHECK_SECONDS:
            return
        self._checked = time.monotonic()
        fingerprint = self._store.fingerprint()
        if self._generation is not None and fingerprint != self._generation:
            self.changed()
        self._generation = fingerprint
