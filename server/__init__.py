"""hrckg: the Human Rights Council technical-cooperation knowledge graph."""

__version__ = "0.1.0"
