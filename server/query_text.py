"""Read a SPARQL query's text just far enough to enforce policy before the engine sees it.

pyoxigraph exposes no parsed algebra, so the endpoint finds SERVICE calls and FROM clauses with a
small lexer: it removes what can hide a keyword (comments, strings, IRIs, escapes) and looks at
what is left. It errs on the side of refusing. The engine's parser needs no space around a
keyword and backtracks (`.SERVICE`, `1SERVICE<...>` and `SERVICEex:e` are all calls), so every
"service" left outside a string, IRI, variable name or the local part of a prefixed name counts
as a call, and a call whose endpoint is not written as a full IRI (a variable, a prefixed name
whose prefix could be redeclared in ways a lexer cannot follow) is never allowed. Query processes
are also cut off from the network when no SERVICE is allowed (executor.py)."""

import re
from functools import lru_cache

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_TOKENS = re.compile(
    r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")"
    rf"|(?P<iri>{_IRI})"
    r"|(?P<comment>#[^\n\r]*)"
    r"|(?P<escape>\\[^\n\r])",  # an escape in a prefixed name's local part (ex:a\#b)
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![?$:\w])SERVICE\s*(?:SILENT\s*)?(?P<target>[^\s{]*)", re.IGNORECASE)
_NAMES = re.compile(r"[?$]\w+|:[\w\-.:%]+")  # variables, and the local parts of prefixed names
_ANY_SERVICE = re.compile("SERVICE", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$\-.])FROM(?![\w:\-])", re.IGNORECASE)


def unescape_codepoints(query: str) -> str:
    """Apply SPARQL's \\u and \\U escapes, which the grammar processes before anything else."""

    def replace(match):
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return _CODEPOINT_ESCAPE.sub(replace, query)


def _skeleton(query: str) -> tuple[str, tuple[str, ...]]:
    """The query with strings and comments blanked and each IRI replaced by a numbered marker.

    Short queries are cached: the same ones come again and again (a gallery, a dashboard)."""
    return _cached_skeleton(query) if len(query) <= 4096 else _make_skeleton(query)


def _make_skeleton(query: str) -> tuple[str, tuple[str, ...]]:
    iris: list[str] = []

    def blank(match):
        if match.lastgroup == "iri":
            iris.append(match.group(0)[1:-1])
            return f" <{len(iris) - 1}> "
        return "_" if match.lastgroup == "escape" else " "

    return _TOKENS.sub(blank, unescape_codepoints(query)), tuple(iris)


_cached_skeleton = lru_cache(maxsize=512)(_make_skeleton)


def service_targets(query: str) -> list[str | None]:
    """The endpoint of every SERVICE call in the query; None for one not written as a full IRI."""
    skeleton, iris = _skeleton(query)
    targets: list[str | None] = []
    for match in _SERVICE.finditer(skeleton):
        marker = re.fullmatch(r"<(\d+)>", match.group("target"))
        targets.append(iris[int(marker.group(1))] if marker else None)
    hidden = len(_ANY_SERVICE.findall(_NAMES.sub(" ", skeleton))) - len(targets)
    return targets + [None] * max(hidden, 0)  # a "service" not read as a call is refused as unreadable


def has_from_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED)."""
    return bool(_FROM.search(_skeleton(query)[0]))


def opening_brace(query: str) -> int | None:
    """Where the first group of the query opens (the first "{" outside strings, IRIs and comments),
    or None if there is none. For SELECT and ASK that is the WHERE clause."""
    position = 0
    for match in _TOKENS.finditer(query):
        found = query.find("{", position, match.start())
        if found != -1:
            return found
        position = match.end()
    found = query.find("{", position)
    return found if found != -1 else None


def bind(query: str, substitutions: dict) -> str:
    """The query with each variable of substitutions (Variable -> term) bound to its term, by a
    VALUES block opening the query's outermost group (for SELECT and ASK queries): how a query
    with bound values is sent to an external store, or shown in the workbench."""
    position = opening_brace(query)
    if position is None:
        raise ValueError("cannot bind values in a query without a { group }")
    names = " ".join(f"?{variable.value}" for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    return f"{query[:position + 1]} VALUES ({names}) {{ ({values}) }} {query[position + 1:]}"
