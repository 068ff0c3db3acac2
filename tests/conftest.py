"""Shared fixtures: the curated graph is parsed once per test session."""

import pytest
from rdflib import Graph

from hrckg import graph as files


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return files.load(files.ontology_files())


@pytest.fixture(scope="session")
def curated() -> Graph:
    """ontology/ + data/, merged, as the endpoint serves it."""
    return files.curated_graph()
