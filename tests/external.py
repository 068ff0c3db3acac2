"""A real external SPARQL store for the tests: `oxigraph serve` (PyPI package oxigraph), started on a
free loopback port in a temporary directory, and fixtures that run a test module twice, once on
the embedded store and once on the external one.

A module opts in by importing the fixture under the name its tests use:

    from external import site_app_on_both_stores as site_app    # Flask test client tests
    from external import server_on_both_stores as server        # live `hrckg serve` tests
"""

import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from live import QUERY_TIMEOUT, free_port, start_server, stop_server

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
STORES = ["embedded", "oxigraph"]


@dataclass
class External:
    process: subprocess.Popen
    base: str
    log: Path

    @property
    def settings(self) -> dict:
        """The HRCKG_* settings (without the prefix) that point a server at this store."""
        return {"STORE_QUERY_URL": self.base + "/query", "STORE_UPDATE_URL": self.base + "/update",
                "STORE_GRAPH_STORE_URL": self.base + "/store"}

    @property
    def arguments(self) -> list[str]:
        return [f"--sparql-query={self.base}/query", f"--sparql-update={self.base}/update",
                f"--graph-store={self.base}/store"]

    def store(self):
        from hrckg.remote import SparqlHttpStore

        return SparqlHttpStore(*self.settings.values())


def start_oxigraph(directory: Path, timeout: float | None = None) -> External:
    """`oxigraph serve` whose default graph is the union of its named graphs, as hrckg requires;
    with a query timeout of its own when given (README: an external store should stop what hrckg
    has given up on)."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} is missing: the test extra installs the oxigraph package (make test does)")
    port = free_port()
    log = directory / "oxigraph.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(directory / "oxigraph"),
                                    "--bind", f"127.0.0.1:{port}", "--union-default-graph",
                                    *(["--timeout-s", str(timeout)] if timeout else [])],
                                   stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    external = External(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(external.base + "/query?query=ASK%7B%7D", timeout=2) as answer:
                if answer.status == 200:
                    return external
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_oxigraph(external)
                pytest.fail(f"oxigraph serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)


def stop_oxigraph(external: External) -> None:
    external.process.terminate()
    try:
        external.process.wait(10)
    except subprocess.TimeoutExpired:
        external.process.kill()
        external.process.wait(5)


@pytest.fixture(scope="session")
def oxigraph_site_app(tmp_path_factory):
    """An app whose store is a real `oxigraph serve`; starting it loads the project's files there."""
    from hrckg.app import create_app

    directory = tmp_path_factory.mktemp("oxigraph-site")
    external = start_oxigraph(directory)
    app = create_app({"QUERY_PROCESSES": 1, **external.settings})
    try:
        yield app
    finally:
        app.extensions["hrckg.pool"].close()
        app.extensions["hrckg.store"].get().close()
        stop_oxigraph(external)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module", params=STORES)
def site_app_on_both_stores(request):
    return request.getfixturevalue("embedded_site_app" if request.param == "embedded" else "oxigraph_site_app")


@pytest.fixture(scope="module", params=STORES)
def server_on_both_stores(request, tmp_path_factory):
    """A live `hrckg serve`, on its in-memory store or on a fresh `oxigraph serve` it loads at start."""
    directory = tmp_path_factory.mktemp(f"live-{request.param}")
    external = start_oxigraph(directory, timeout=QUERY_TIMEOUT) if request.param == "oxigraph" else None
    live = start_server(directory, *(external.arguments if external else ()))
    live.external = external
    try:
        yield live
    finally:
        stop_server(live, live.descendants())
        if external is not None:
            stop_oxigraph(external)
