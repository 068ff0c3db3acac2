"""Run SPARQL queries in child processes so that a timeout really stops the work.

pyoxigraph evaluates a query inside one native call that cannot be interrupted, so each query
runs in a forked child process that holds the store (inherited from the web worker, or opened
read-only from disk). The web worker waits for the answer with a deadline; on timeout it kills
the child, which frees the CPU and memory at once, and forks a fresh one. A child also gets an
address-space limit, so a query that would exhaust memory dies alone."""

import logging
import os
import resource
import signal
import stat
import threading
import time
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Callable, Iterator

import pyoxigraph as ox

from . import conneg, results
from .errors import QueryFailed, QueryMalformed, QueryNotAcceptable, QueryTimeout, ServerBusy

CHUNK = 1 << 16
# What pyoxigraph raises for a query it cannot evaluate (a failed SERVICE call, a store error).
ENGINE_ERRORS = (OSError, RuntimeError, ValueError)


@dataclass(frozen=True)
class Job:
    """Everything a child needs to answer one query; picklable, so it crosses the pipe."""

    query: str
    formats: dict  # "results" / "graph" -> the negotiated format's name, or None if not acceptable
    default_graphs: tuple[str, ...] | None = None  # the protocol's default-graph-uri, if given
    named_graphs: tuple[str, ...] | None = None  # the protocol's named-graph-uri, if given
    union_default_graph: bool = True
    max_rows: int = 10_000
    max_bytes: int = 64 << 20
    limit_link: str | None = None


@dataclass(frozen=True)
class Answer:
    """The head of a child's answer: what was produced; the body follows as chunks."""

    kind: str  # "results" or "graph"
    format_name: str
    rows: int
    truncated_by: str | None
    size: int  # bytes in the body


def _dataset_options(job: Job) -> dict:
    options = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs or ()]
    elif job.union_default_graph:
        options["use_default_graph_as_union"] = True
    return options


def evaluate(store, job: Job):
    """Evaluate one job: ("ok", Answer, body) or ("error", code, message)."""
    try:
        result = store.query(job.query, **_dataset_options(job))
    except SyntaxError as err:
        return "error", "malformed", str(err)
    except ENGINE_ERRORS as err:  # the engine's message is the user's explanation
        return "error", "failed", str(err)
    kind = results.result_kind(result)
    format_name = job.formats.get(kind)
    if format_name is None:
        return "error", "not_acceptable", kind
    fmt = conneg.format_named(format_name, conneg.ALL_FORMATS)
    try:
        body = results.write(result, fmt, job.max_rows, job.max_bytes, job.limit_link)
    except ENGINE_ERRORS as err:  # evaluation is lazy: the engine's errors surface while writing
        return "error", "failed", str(err)
    except Exception:  # noqa: BLE001 - a bug of ours: logged here, never shown to the client
        logging.getLogger(__name__).exception("could not write the answer to %r", job.query[:200])
        return "error", "failed", "the server could not write this answer; the error has been logged"
    data = b"".join(body.chunks)
    return "ok", Answer(kind, fmt.name, body.rows, body.truncated_by, len(data)), data


def _child_main(connection, open_store, memory_limit: int | None, offline: bool) -> None:
    """Loop of a query process: receive a job, send its head and body chunks, until the pipe closes."""
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGCHLD, signal.SIGWINCH):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops its children
    _close_inherited_sockets(keep=connection.fileno())
    if offline:
        _cut_off_network()
    _die_with_parent()
    if memory_limit:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + memory_limit, resource.RLIM_INFINITY))
    store = open_store()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        status, head, body = evaluate(store, job)
        try:
            # One message carries the head and the first chunk: most answers need no more.
            connection.send((status, head, body[:CHUNK] if status == "ok" else body))
            if status == "ok":
                for start in range(CHUNK, len(body), CHUNK):
                    connection.send_bytes(body[start:start + CHUNK])
        except (BrokenPipeError, OSError):
            return


def _close_inherited_sockets(keep: int) -> None:
    """Close the sockets forked along with the worker: clients' connections, the listening socket and
    other children's pipes. Held open here, a connection the worker closes would never end."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if fd != keep and stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _cut_off_network() -> None:
    """Move this process into a network namespace of its own, where no address is reachable.

    Defence in depth behind the SERVICE check of query_text.py: even a call it missed cannot leave
    the machine or reach a loopback service. Needs CAP_SYS_ADMIN or unprivileged user namespaces;
    where neither is available, the lexical check stands alone."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    if libc.unshare(clone_newnet) != 0:
        libc.unshare(clone_newnet | clone_newuser)


def _die_with_parent() -> None:
    """Exit as soon as the web worker that forked this process is gone, even in mid-query.

    pyoxigraph releases the GIL while it evaluates, so this thread runs during a query."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class _Child:
    def __init__(self, open_store, memory_limit, offline, generation: int = 0):
        self.generation = generation  # the pool's data generation when this child opened the store
        context = get_context("fork")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_child_main, args=(child_end, open_store, memory_limit, offline), daemon=True)
        try:
            self.process.start()
        except BaseException:
            self.connection.close()
            raise
        finally:
            child_end.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class _Stream:
    """The rest of a large answer, read from the child as the client takes it.

    An object rather than a generator: the WSGI server calls close() even when it never iterates
    (a HEAD request), and the child must then be discarded, not leaked."""

    def __init__(self, pool, child: _Child, first: bytes, size: int, deadline: float):
        self._pool, self._child, self._first, self._size, self._deadline = pool, child, first, size, deadline
        self._received, self._settled = len(first), False

    def __iter__(self) -> Iterator[bytes]:
        yield self._first
        try:
            while self._received < self._size:
                if not self._child.connection.poll(max(1.0, self._deadline - time.monotonic())):
                    return
                chunk = self._child.connection.recv_bytes()
                self._received += len(chunk)
                if self._received >= self._size:
                    self.close()  # read to the end: the child can serve the next query at once
                yield chunk
        except (EOFError, OSError):
            return

    def close(self) -> None:
        """Give the child back if the answer was read to the end; otherwise its pipe is in an unknown state."""
        if not self._settled:
            self._settled = True
            self._pool._release(self._child) if self._received >= self._size else self._pool._discard(self._child)


class QueryPool:
    """At most `size` query processes per web worker, started when first needed."""

    def __init__(self, open_store: Callable[[], object], size: int, memory_limit: int | None = None, offline: bool = True):
        """offline: cut query processes off the network (when no SERVICE endpoint is allowed)."""
        self._open_store, self._size, self._memory_limit, self._offline = open_store, size, memory_limit, offline
        self._condition = threading.Condition()
        self._idle: list[_Child] = []
        self._started = 0
        self._pid = os.getpid()
        self._generation = 0

    def _acquire(self, deadline: float) -> _Child:
        with self._condition:
            if self._pid != os.getpid():  # forked into a new web worker: the children are not ours
                self._idle, self._started, self._pid = [], 0, os.getpid()
            while not self._idle and self._started >= self._size:
                if not self._condition.wait(max(0.0, deadline - time.monotonic())):
                    raise ServerBusy("every query process is busy; try again shortly")
            if self._idle:
                return self._idle.pop()
            self._started += 1
        try:
            return _Child(self._open_store, self._memory_limit, self._offline, self._generation)
        except Exception:
            self._discard(None)
            raise

    def _release(self, child: _Child) -> None:
        if child.generation != self._generation:  # it still sees the data as it was before renew()
            self._discard(child)
            return
        with self._condition:
            self._idle.append(child)
            self._condition.notify()

    def renew(self) -> None:
        """The data changed: stop idle children and let busy ones finish, so every later query runs
        in a child that opened the store afresh."""
        with self._condition:
            self._generation += 1
        self.close()

    def _discard(self, child: _Child | None) -> None:
        if child is not None:
            child.kill()
        with self._condition:
            self._started -= 1
            self._condition.notify()

    def run(self, job: Job, timeout: float) -> tuple[Answer, Iterator[bytes]]:
        """Evaluate job within timeout seconds: the answer's head, then an iterator over its body.

        Raises QueryTimeout (the child is killed), QueryMalformed, QueryNotAcceptable, QueryFailed."""
        deadline = time.monotonic() + timeout
        child = self._acquire(deadline)
        try:
            child.connection.send(job)
            if not child.connection.poll(max(0.0, deadline - time.monotonic())):
                self._discard(child)
                raise QueryTimeout(f"the query ran for more than {timeout:g} s and was stopped")
            status, head, payload = child.connection.recv()
        except QueryTimeout:
            raise
        except (EOFError, OSError):
            self._discard(child)
            limit = f"{self._memory_limit >> 20} MiB" if self._memory_limit else "the machine's"
            raise QueryFailed(f"the query process died, most likely because the query needed more than {limit} "
                              "of memory (the QUERY_MEMORY_LIMIT setting)") from None
        except BaseException:
            self._discard(child)
            raise
        if status == "error":
            self._release(child)
            if head == "malformed":
                raise QueryMalformed(payload)
            if head == "not_acceptable":
                raise QueryNotAcceptable(payload)
            raise QueryFailed(payload)
        if len(payload) == head.size:
            self._release(child)
            return head, iter((payload,))
        return head, _Stream(self, child, payload, head.size, deadline)

    def close(self) -> None:
        with self._condition:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
            self._condition.notify_all()
        for child in idle:
            child.kill()
