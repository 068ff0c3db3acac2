"""Write query results in the negotiated format, row by row, stopping at the row and byte caps.

SELECT results are written here rather than by pyoxigraph's serializer so that the caps apply
per row and a truncated answer is still a well-formed document. Graphs (CONSTRUCT, DESCRIBE) are
capped here and written by pyoxigraph."""

import csv
import re
import io
import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_string  # C-accelerated, keeps non-ASCII as is
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from . import conneg
from .namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_FORMATS = {
    conneg.TURTLE: ox.RdfFormat.TURTLE,
    conneg.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    conneg.RDFXML: ox.RdfFormat.RDF_XML,
    conneg.JSONLD: ox.RdfFormat.JSON_LD,
}


@dataclass
class Body:
    """A serialized answer: its chunks, how many rows it holds, and which cap cut it short, if any."""

    chunks: list[bytes] = field(default_factory=list)
    rows: int = 0
    truncated_by: str | None = None  # "rows" or "bytes"



# --- one term in each results format ---------------------------------------------------------

def _json_term(term) -> str:
    """One RDF term as SPARQL JSON, built as text: several times faster than json.dumps of dicts."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Triple):
        return ('{"type":"triple","value":{"subject":' + _json_term(term.subject) + ',"predicate":'
                + _json_term(term.predicate) + ',"object":' + _json_term(term.object) + "}}")
    if term.language:
        return '{"type":"literal","value":' + _json_string(term.value) + ',"xml:lang":' + _json_string(term.language) + "}"
    if term.datatype.value != XSD_STRING:
        return '{"type":"literal","value":' + _json_string(term.value) + ',"datatype":' + _json_string(term.datatype.value) + "}"
    return '{"type":"literal","value":' + _json_string(term.value) + "}"


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Escape for XML 1.0: markup characters, a carriage return (which parsers would turn into a
    line feed) and the control characters XML cannot carry at all (replaced by U+FFFD)."""
    return escape(_XML_FORBIDDEN.sub("\ufffd", value)).replace("\r", "&#13;")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


def _csv_term(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _tsv_term(term) -> str:
    """N-Triples syntax, as the TSV format asks (pyoxigraph escapes tabs and line breaks in literals)."""
    return str(term)


def _csv_line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()


# --- whole documents -----------------------------------------------------------------------------

def _select_header(fmt, names: list[str], limit_link: str | None) -> str:
    """The start of a SELECT document; JSON and XML heads link to the limits when a cap applied."""
    if fmt == conneg.JSON:
        head = {"vars": names, **({"link": [limit_link]} if limit_link else {})}
        return '{"head":' + json.dumps(head, ensure_ascii=False) + ',"results":{"bindings":[\n'
    if fmt == conneg.XML:
        link = f"<link href={quoteattr(limit_link)}/>" if limit_link else ""
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
                + "".join(f"<variable name={quoteattr(n)}/>" for n in names) + link + "</head>\n<results>\n")
    if fmt == conneg.CSV:
        return _csv_line(names)
    if fmt == conneg.TSV:
        return "\t".join("?" + n for n in names) + "\n"
    raise ValueError(f"{fmt.name} is not a results format")


def _select_body(fmt, names: list[str]):
    """The row writer, the separator between rows and the end of a SELECT document in fmt."""
    if fmt == conneg.JSON:
        keys = [(n, _json_string(n) + ":") for n in names]

        def row(solution):
            return "{" + ",".join(key + _json_term(solution[n]) for n, key in keys if solution[n] is not None) + "}"

        return row, ",\n", "\n]}}\n"
    if fmt == conneg.XML:
        def row(solution):
            bindings = "".join(f"<binding name={quoteattr(n)}>{_xml_term(solution[n])}</binding>"
                               for n in names if solution[n] is not None)
            return f"<result>{bindings}</result>\n"

        return row, "", "</results>\n</sparql>\n"
    if fmt == conneg.CSV:
        return lambda s: _csv_line([_csv_term(s[n]) if s[n] is not None else "" for n in names]), "", ""
    if fmt == conneg.TSV:
        return lambda s: "\t".join(_tsv_term(s[n]) if s[n] is not None else "" for n in names) + "\n", "", ""
    raise ValueError(f"{fmt.name} is not a results format")


def write_select(solutions, fmt, max_rows: int, max_bytes: int, limit_link: str | None = None) -> Body:
    """Serialize solutions up to max_rows rows and about max_bytes bytes, whichever comes first."""
    names = [variable.value for variable in solutions.variables]
    row, separator, footer = _select_body(fmt, names)
    rows: list[bytes] = []
    size, truncated_by = 0, None
    for solution in solutions:
        if len(rows) == max_rows:
            truncated_by = "rows"
            break
        encoded = ((separator if rows else "") + row(solution)).encode("utf-8")
        if size + len(encoded) > max_bytes:
            truncated_by = "bytes"
            break
        rows.append(encoded)
        size += len(encoded)
    header = _select_header(fmt, names, limit_link if truncated_by else None)
    return Body([header.encode("utf-8"), *rows, footer.encode("utf-8")], len(rows), truncated_by)


def write_boolean(value: bool, fmt) -> Body:
    if fmt == conneg.JSON:
        text = json.dumps({"head": {}, "boolean": value}) + "\n"
    elif fmt == conneg.XML:
        text = ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
    elif fmt in (conneg.CSV, conneg.TSV):
        # The CSV/TSV results specification has no boolean form; this is what Jena and Virtuoso send.
        end = "\r\n" if fmt == conneg.CSV else "\n"
        text = ("_askResult" if fmt == conneg.CSV else "?_askResult") + end + ("true" if value else "false") + end
    else:
        raise ValueError(f"{fmt.name} is not a results format")
    return Body([text.encode("utf-8")], 1)


def write_graph(triples, fmt, max_rows: int, max_bytes: int) -> Body:
    """Serialize at most max_rows triples whose N-Triples form stays within max_bytes (UTF-8).

    Turtle is smaller than N-Triples; RDF/XML and JSON-LD can be somewhat larger than the cap."""
    kept, size, truncated_by = [], 0, None
    for triple in triples:
        if len(kept) == max_rows:
            truncated_by = "rows"
            break
        size += len(str(triple).encode("utf-8")) + 3
        if size > max_bytes:
            truncated_by = "bytes"
            break
        kept.append(triple)
    options = {"prefixes": PREFIXES} if fmt in (conneg.TURTLE, conneg.RDFXML) else {}
    data = ox.serialize(kept, format=_RDF_FORMATS[fmt], **options)
    return Body([data], len(kept), truncated_by)


def write(result, fmt, max_rows: int, max_bytes: int, limit_link: str | None = None) -> Body:
    """Serialize any query result: a boolean (ASK), solutions (SELECT) or triples (CONSTRUCT, DESCRIBE)."""
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), fmt)
    if isinstance(result, ox.QuerySolutions):
        return write_select(result, fmt, max_rows, max_bytes, limit_link)
    return write_graph(result, fmt, max_rows, max_bytes)


def result_kind(result) -> str:
    """"results" for SELECT and ASK answers, "graph" for CONSTRUCT and DESCRIBE."""
    return "results" if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)) else "graph"
