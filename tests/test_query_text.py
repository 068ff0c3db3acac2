"""The lexer that finds SERVICE calls and FROM clauses before a query reaches the engine."""

import pytest

from hrckg.query_text import has_from_clause, service_targets, unescape_codepoints


@pytest.mark.parametrize("query, targets", [
    ("SELECT * { SERVICE <http://x/s> { ?s ?p ?o } }", ["http://x/s"]),
    ("SELECT * {service<http://x/s>{}}", ["http://x/s"]),
    ("SELECT * { SERVICE SILENT <http://x/s> {} }", ["http://x/s"]),
    # A prefixed name is never trusted: PREFIXw:<...> or a PREFIX inside a variable name can redeclare it.
    ("PREFIX wd: <http://wd/> SELECT * { SERVICE wd:sparql{ ?s ?p ?o } }", [None]),
    ("SELECT * { SERVICE ?endpoint {} }", [None]),
    ("SELECT * { SERVICE undeclared:x {} }", [None]),
    ("SELECT * { \\u0053ERVICE <http://x/s> {} }", ["http://x/s"]),  # \u escapes apply before parsing
    ("SELECT * { SERVICE <http://a/> {} SERVICE <http://b/> {} }", ["http://a/", "http://b/"]),
    ("SELECT ?service { ?service <http://p> 'SERVICE <http://a/>' }", []),
    ('SELECT * { ?s ?p """\nSERVICE <http://a/>\n""" }', []),
    ("SELECT * { ?s ?p ?o } # SERVICE <http://a/>", []),
    ("SELECT * { ?s <http://e/SERVICE> ?o . ?s ex:SERVICE ?o . ?s ?p $SERVICE }", []),
    ("SELECT * { ?s ?p 'it''s' . SERVICE <http://a/> {} }", ["http://a/"]),
    # The engine needs no space around a keyword and backtracks: each of these is a call.
    ("SELECT * { ?x ?y ?z .SERVICE <http://a/> {} }", ["http://a/"]),
    ("SELECT * { ?s ?p 1SERVICE<http://a/>{} }", [None]),
    ("PREFIX SERVICEex: <http://a/> SELECT * { SERVICEex:e {} }", [None, None]),
    # An escape in a prefixed name is neither a comment nor a string.
    ("PREFIX ex: <http://e/> SELECT * { ?x ex:a\\# ?w SERVICE <http://a/> {} }", ["http://a/"]),
    ("PREFIX ex: <http://e/> SELECT * { ?x ex:a\\' ?w SERVICE <http://a/> { FILTER(?w != 'q') } }", ["http://a/"]),
    # ...while names that merely contain the word are not calls.
    ("SELECT * { ?s schema:serviceArea ?o . ?serviceX ?p ?o }", []),
])
def test_service_targets(query, targets):
    assert service_targets(query) == targets


@pytest.mark.parametrize("query, expected", [
    ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ("select * from named <http://g> { graph ?g { ?s ?p ?o } }", True),
    ("SELECT ?from { ?from ?p 'FROM <x>' } # FROM <y>", False),
    ("SELECT * { ?s <http://e/from> ?o }", False),
])
def test_has_from_clause(query, expected):
    assert has_from_clause(query) is expected


def test_unescape_codepoints():
    assert unescape_codepoints("\\u4EBA\\U00006743 \\uZZZZ") == "人权 \\uZZZZ"
