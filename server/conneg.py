"""Content negotiation: one pure function from (Accept header, format parameter) to a format.

The rules are HTTP's (RFC 9110 section 12.5.1): the most specific media range that matches a
format gives its quality, q=0 means "not acceptable", and among equally acceptable formats the
server's order decides. A `format` parameter, when given, wins over the Accept header."""

from dataclasses import dataclass
from functools import lru_cache

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # the value of the `format` parameter
    media_type: str  # what the response is labelled with
    extension: str
    w3c: str | None = None  # the format's IRI at http://www.w3.org/ns/formats/
    aliases: tuple[str, ...] = ()  # other media types that mean the same thing in an Accept header
    names: tuple[str, ...] = ()  # other values of the `format` parameter

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type != "application/n-triples" else "")


JSON = Format("json", "application/sparql-results+json", "srj", W3C_FORMATS + "SPARQL_Results_JSON", ("application/json",))
XML = Format("xml", "application/sparql-results+xml", "srx", W3C_FORMATS + "SPARQL_Results_XML", ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv", "csv", W3C_FORMATS + "SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", "tsv", W3C_FORMATS + "SPARQL_Results_TSV")
TURTLE = Format("turtle", "text/turtle", "ttl", W3C_FORMATS + "Turtle", ("application/x-turtle",), ("ttl",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", W3C_FORMATS + "N-Triples", ("text/plain",), ("nt", "n-triples"))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", W3C_FORMATS + "RDF_XML", (), ("xml", "rdf", "rdf+xml"))
JSONLD = Format("jsonld", "application/ld+json", "jsonld", W3C_FORMATS + "JSON-LD", (), ("json-ld", "json"))
HTML = Format("html", "text/html", "html", None, ("application/xhtml+xml",))

RESULT_FORMATS = (JSON, XML, CSV, TSV)  # SELECT and ASK, JSON when the client has no preference
GRAPH_FORMATS = (TURTLE, NTRIPLES, RDFXML, JSONLD)  # CONSTRUCT and DESCRIBE, Turtle by default
ALL_FORMATS = RESULT_FORMATS + GRAPH_FORMATS + (HTML,)


class UnknownFormat(ValueError):
    """The `format` parameter names no format this server knows."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """How closely this range matches media_type: 2 exact, 1 type/*, 0 */*, -1 no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


@lru_cache(maxsize=256)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed members are skipped, as browsers do.

    Cached: clients send the same few headers over and over."""
    ranges = []
    for member in (header or "").split(","):
        media, *params = (part.strip() for part in member.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(main, sub, quality))
    return tuple(ranges)


def quality(ranges, fmt: Format) -> float:
    """The quality the client gives fmt: that of the most specific range matching any of its types."""
    best_specificity, best_quality = -1, 0.0
    for media_type in (fmt.media_type,) + fmt.aliases:
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity < 0:
                continue
            if specificity > best_specificity or (specificity == best_specificity and media_range.quality > best_quality):
                best_specificity, best_quality = specificity, media_range.quality
    return best_quality


def format_named(name: str, offered) -> Format | None:
    """The offered format a `format` parameter names (by name, alias or media type)."""
    wanted = name.strip().lower()
    for fmt in offered:
        if wanted in (fmt.name, *fmt.names, fmt.media_type, *fmt.aliases):
            return fmt
    return None


def negotiate(accept: str | None, format_param: str | None, offered) -> Format | None:
    """The format to answer with, or None when the client accepts none of those offered (406).

    `offered` is in the server's order of preference; its first member answers a request that
    states no preference. Raises UnknownFormat when `format_param` names no known format at all."""
    offered = tuple(offered)
    if format_param:
        chosen = format_named(format_param, offered)
        if chosen is None and format_named(format_param, ALL_FORMATS) is None:
            known = sorted({fmt.name for fmt in ALL_FORMATS} | {n for fmt in ALL_FORMATS for n in fmt.names})
            raise UnknownFormat(f"unknown format {format_param!r}; use one of: {', '.join(known)}")
        return chosen
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best, best_quality = None, 0.0
    for fmt in offered:
        q = quality(ranges, fmt)
        if q > best_quality:
            best, best_quality = fmt, q
    return best
