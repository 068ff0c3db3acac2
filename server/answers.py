"""The answers every dereferenceable page gives: HTML, or RDF in one of four formats.

Shared by the resource pages, the ontology documentation, the shapes and the named graphs, so they
negotiate, serialize and set Vary the same way."""

import pyoxigraph as ox
from flask import current_app

from . import conneg
from .namespaces import PREFIXES

PAGE_FORMATS = (conneg.HTML, conneg.TURTLE, conneg.NTRIPLES, conneg.RDFXML, conneg.JSONLD)
RDF_FORMATS = {conneg.TURTLE: ox.RdfFormat.TURTLE, conneg.NTRIPLES: ox.RdfFormat.N_TRIPLES,
               conneg.RDFXML: ox.RdfFormat.RDF_XML, conneg.JSONLD: ox.RdfFormat.JSON_LD}
# Prefixes written into Turtle and RDF/XML answers: the project's, and the one the ontology header uses.
# Our resource IRIs hold slashes, which a prefixed name would have to escape (id:country\\/KHM): they are written in full.
SERIALIZATION_PREFIXES = {**{k: v for k, v in PREFIXES.items() if k not in ("id", "vocab")},
                          "vann": "http://purl.org/vocab/vann/"}


def statement_key(statement) -> tuple[str, ...]:
    """Sort key of a triple or quad: its terms in N-Quads form, so equal graphs sort equally."""
    return tuple(str(term) for term in statement)


def rdf_response(triples, fmt: conneg.Format):
    """Triples serialized by pyoxigraph (which keeps every literal's lexical form) in fmt, subject by subject."""
    body = ox.serialize(sorted(set(triples), key=statement_key), format=RDF_FORMATS[fmt],
                        prefixes=SERIALIZATION_PREFIXES)
    response = current_app.response_class(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def html_response(body: str):
    response = current_app.response_class(body, content_type=conneg.HTML.content_type)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"  # the language comes from these two
    return response
