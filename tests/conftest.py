"""Shared fixtures: the curated graph is parsed once per test session."""

import pytest
from rdflib import Graph

from external import oxigraph_site_app  # noqa: F401 - a fixture, used through site_app_on_both_stores
from hrckg import graph as files


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return files.load(files.ontology_files())


@pytest.fixture(scope="session")
def curated() -> Graph:
    """ontology/ + data/, merged, as the endpoint serves it."""
    return files.curated_graph()


@pytest.fixture(scope="session")
def embedded_site_app():
    """One app over the curated graph, shared by the page tests (it has a query process pool)."""
    from hrckg.app import create_app

    app = create_app({"QUERY_PROCESSES": 1})
    yield app
    app.extensions["hrckg.pool"].close()


@pytest.fixture(scope="session")
def site_app(embedded_site_app):
    """The app of tests that run on the embedded store only (tests/external.py runs others on both)."""
    return embedded_site_app


@pytest.fixture()
def client(site_app):
    return site_app.test_client()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`hrckg serve` on a free loopback port, answering queries; one per test module, stopped after it."""
    from live import start_server, stop_server

    live = start_server(tmp_path_factory.mktemp("live-server"))
    try:
        yield live
    finally:
        stop_server(live, live.descendants())
