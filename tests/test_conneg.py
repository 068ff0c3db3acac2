"""Content negotiation is one pure function; these tables pin down its answers."""

import pytest

from hrckg import conneg
from hrckg.conneg import CSV, GRAPH_FORMATS, HTML, JSON, JSONLD, NTRIPLES, RDFXML, RESULT_FORMATS, TSV, TURTLE, XML

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("accept, expected", [
    (None, JSON),
    ("", JSON),
    ("*/*", JSON),
    ("application/sparql-results+json", JSON),
    ("application/json", JSON),
    ("application/sparql-results+xml", XML),
    ("application/xml", XML),
    ("text/xml", XML),
    ("text/csv", CSV),
    ("text/tab-separated-values", TSV),
    ("text/*", XML),  # text/xml (an alias of XML), text/csv and text/tab-separated-values tie: server order
    ("text/csv;q=0.5, text/tab-separated-values", TSV),
    ("application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.8", XML),
    ("application/*;q=0.2, text/csv;q=0.1", JSON),
    ("text/csv, */*;q=0", CSV),
    ("application/sparql-results+json;q=0, */*", XML),  # q=0 rules JSON out; the next in server order wins
    ("TEXT/CSV", CSV),  # media types are case-insensitive
    ("text/csv; charset=utf-8", CSV),
    ("text/csv;q=abc, text/tab-separated-values;q=0.1", TSV),  # an unreadable q counts as 0
    ("garbage, text/csv", CSV),  # a malformed member is skipped
    (BROWSER, XML),  # application/xml;q=0.9 beats */*;q=0.8
    ("text/turtle", None),
    ("text/html", None),
    ("application/sparql-results+json;q=0", None),
])
def test_results_negotiation(accept, expected):
    assert conneg.negotiate(accept, None, RESULT_FORMATS) == expected


@pytest.mark.parametrize("accept, expected", [
    (None, TURTLE),
    ("*/*", TURTLE),
    ("text/turtle", TURTLE),
    ("application/x-turtle", TURTLE),
    ("application/n-triples", NTRIPLES),
    ("text/plain", NTRIPLES),
    ("application/rdf+xml", RDFXML),
    ("application/ld+json", JSONLD),
    ("application/rdf+xml, text/turtle;q=0.9", RDFXML),
    ("application/ld+json;q=0.5, application/n-triples;q=0.6", NTRIPLES),
    ("application/*", TURTLE),  # application/x-turtle is Turtle too, and Turtle comes first
    ("text/*;q=0.3, application/ld+json;q=0.4", JSONLD),
    (BROWSER, TURTLE),  # only */* matches: the default
    ("application/sparql-results+json", None),
    ("application/json", None),  # JSON is not JSON-LD: a client asking for plain JSON gets 406, not a surprise
    ("text/csv", None),
])
def test_graph_negotiation(accept, expected):
    assert conneg.negotiate(accept, None, GRAPH_FORMATS) == expected


@pytest.mark.parametrize("format_param, accept, offered, expected", [
    ("json", "text/csv", RESULT_FORMATS, JSON),  # the parameter wins over Accept
    ("csv", None, RESULT_FORMATS, CSV),
    ("tsv", None, RESULT_FORMATS, TSV),
    ("xml", None, RESULT_FORMATS, XML),
    ("text/csv", None, RESULT_FORMATS, CSV),  # a media type works as a format name too
    ("xml", None, GRAPH_FORMATS, RDFXML),  # "xml" is RDF/XML for a graph
    ("json", None, GRAPH_FORMATS, JSONLD),  # and "json" is JSON-LD
    ("ttl", None, GRAPH_FORMATS, TURTLE),
    ("nt", None, GRAPH_FORMATS, NTRIPLES),
    ("JSON-LD", None, GRAPH_FORMATS, JSONLD),
    ("csv", None, GRAPH_FORMATS, None),  # known, but a graph cannot be CSV: 406
    ("turtle", None, RESULT_FORMATS, None),
    ("html", None, GRAPH_FORMATS + (HTML,), HTML),
])
def test_format_parameter(format_param, accept, offered, expected):
    assert conneg.negotiate(accept, format_param, offered) == expected


def test_unknown_format_parameter_is_an_error_naming_the_known_ones():
    with pytest.raises(conneg.UnknownFormat, match=r"unknown format 'yaml'; use one of: .*csv.*turtle"):
        conneg.negotiate(None, "yaml", RESULT_FORMATS)


@pytest.mark.parametrize("header, parsed", [
    ("text/csv", [("text", "csv", 1.0)]),
    ("text/csv;q=0.5 , */*;q=0.1", [("text", "csv", 0.5), ("*", "*", 0.1)]),
    ("text/csv;q=2", [("text", "csv", 1.0)]),  # q is clamped to [0, 1]
    ("text/csv;level=1;q=0.3", [("text", "csv", 0.3)]),
    ("*/csv, text, /x, ", []),  # malformed ranges are dropped
])
def test_accept_header_parsing(header, parsed):
    assert [(r.type, r.subtype, r.quality) for r in conneg.parse_accept(header)] == parsed
