"""Search by name and by text, in Chinese and English: substring, case-insensitive, ranked.

The searchable literals of our resources are read once per process into a list held in memory
(a few thousand entries; a scan takes milliseconds), built on the first search. `invalidate(app)`
drops it when the data changes. Chinese has no spaces between words, so a word index would not
help: a plain substring scan finds 柬埔寨 inside any paragraph."""

import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request

from . import conneg, i18n, resources
from .browse import class_iri, page_number
from .errors import BadRequest
from .identifiers import BASE, ID, VOCAB
from .namespaces import PREFIXES
from .store import select

blueprint = Blueprint("search", __name__)

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
WINDOW = 60  # characters of context either side of a match
EXTENSION = "hrckg.search"
JSON = conneg.Format("json", "application/json", "json")
SEARCH_FORMATS = (conneg.HTML, JSON)

SKOS, RDFS, DCTERMS = PREFIXES["skos"], PREFIXES["rdfs"], PREFIXES["dcterms"]
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", DCTERMS + "title")
TEXT_PROPERTIES = (PREFIXES["hrc"] + "text", PREFIXES["hrc"] + "heading", DCTERMS + "description", SKOS + "definition")
# Resources whose pages this server has: /id/..., /vocab/..., /ontology.
SEARCHED = (ID, VOCAB, BASE + "ontology")

_LITERALS = """
SELECT ?resource ?property ?text WHERE {
  ?resource ?property ?text .
  FILTER(isIRI(?resource) && isLiteral(?text) && ?property IN (%s))
}""" % ", ".join(f"<{p}>" for p in LABEL_PROPERTIES + TEXT_PROPERTIES)
_TYPES = "SELECT ?resource ?type WHERE { ?resource a ?type FILTER(isIRI(?resource) && isIRI(?type)) }"

# Scores: any name match outranks any text match; within text, more occurrences rank higher.
EXACT, PREFIX, NAME, TEXT_CAP = 3000, 2000, 1000, 999


@dataclass(frozen=True)
class Entry:
    resource: str
    property: str
    text: str
    lowered: str
    language: str

    @property
    def is_label(self) -> bool:
        return self.property in LABEL_PROPERTIES


@dataclass
class Index:
    entries: list[Entry]
    types: dict[str, list[str]]  # resource -> its classes
    labels: dict[str, dict[str, str]]  # resource -> language -> label, as resources.label_values gives


def build(store: ox.Store) -> Index:
    entries = [Entry(row["resource"].value, row["property"].value, row["text"].value, row["text"].value.lower(),
                     row["text"].language or "")
               for row in select(store, _LITERALS) if row["resource"].value.startswith(SEARCHED)]
    types: dict[str, list[str]] = {}
    for row in select(store, _TYPES):
        types.setdefault(row["resource"].value, []).append(row["type"].value)
    labels = {iri: resources.label_values(store, ox.NamedNode(iri)) for iri in {e.resource for e in entries}}
    return Index(entries, {iri: sorted(set(classes)) for iri, classes in types.items()}, labels)


def index(app=None) -> Index:
    """The search index of this process, built on first use."""
    app = app or current_app
    built = app.extensions.get(EXTENSION)
    if built is None:
        built = app.extensions[EXTENSION] = build(app.extensions["hrckg.store"].get())
    return built


def invalidate(app) -> None:
    """Forget the index, so the next search reads the store again (call it when the data changes)."""
    app.extensions.pop(EXTENSION, None)


def score(entry: Entry, query: str) -> int:
    """How well entry matches the lowercased query; 0 for no match."""
    if query not in entry.lowered:
        return 0
    if entry.is_label:
        return EXACT if entry.lowered == query else PREFIX if entry.lowered.startswith(query) else NAME
    return min(entry.lowered.count(query), TEXT_CAP)


def passage(text: str, query: str) -> dict:
    """The first occurrence of query in text with about WINDOW characters either side, as three parts."""
    found = re.search(re.escape(query), text, re.IGNORECASE)
    start, end = (found.start(), found.end()) if found else (0, 0)  # None only for letters whose case changes length
    before = ("…" if start > WINDOW else "") + text[max(0, start - WINDOW):start]
    after = text[end:end + WINDOW] + ("…" if end + WINDOW < len(text) else "")
    return {"before": before, "match": text[start:end], "after": after}


def search(found: Index, query: str, lang: str, only_class: str | None = None) -> list[dict]:
    """Every matching resource once, with its best match, best first."""
    query = query.lower()
    best: dict[str, tuple] = {}
    for entry in found.entries:
        points = score(entry, query)
        if not points or (only_class and only_class not in found.types.get(entry.resource, ())):
            continue
        rank = (points, entry.language == lang, entry.is_label)
        if entry.resource not in best or rank > best[entry.resource][0]:
            best[entry.resource] = (rank, entry)
    results = []
    for iri, ((points, _, _), entry) in best.items():
        label = i18n.in_language(found.labels.get(iri, {}), lang) or resources.fallback_label(iri)
        results.append({"iri": iri, "label": label, "score": points, "property": entry.property,
                        "types": found.types.get(iri, []), "passage": passage(entry.text, query)})
    return sorted(results, key=lambda r: (-r["score"], len(r["label"]), r["iri"]))


@blueprint.get("/search")
def search_page():
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), request.args.get("format"), SEARCH_FORMATS) or conneg.HTML
    except conneg.UnknownFormat as err:
        raise BadRequest(str(err)) from None
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise BadRequest(f"the search text is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}")
    lang, compact = i18n.chosen_language(), request.args.get("class", "").strip()
    only_class = class_iri(compact, status=400) if compact else None
    results = search(index(), query, lang, only_class) if query else []
    pages = -(-len(results) // PAGE_SIZE)
    page = page_number(pages)
    shown = results[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    if fmt is JSON:
        response = current_app.json.response({"query": query, "total": len(results), "page": page,
                                              "pages": max(pages, 1), "results": shown})
        response.headers["Vary"] = "Accept"
        return response
    store = current_app.extensions["hrckg.store"].get()
    class_names = {t: resources.label(store, ox.NamedNode(t), lang) for r in shown for t in r["types"]}
    for result in shown:
        result["href"] = resources.local_path(result["iri"])
        result["classes"] = [{"label": class_names[t], "curie": resources.curie(t), "filter": resources.curie(t) != t}
                             for t in result["types"]]
        result["property_curie"], result["curie"] = resources.curie(result["property"]), resources.curie(result["iri"])
    filter_label = resources.label(store, ox.NamedNode(only_class), lang) if only_class else None
    response = current_app.response_class(render_template(
        "search.html", search_text=query, results=shown, total=len(results), page=page, pages=pages,
        class_filter=compact, filter_label=filter_label, first_number=(page - 1) * PAGE_SIZE + 1))
    response.headers["Vary"] = "Accept, Cookie, Accept-Language"
    return response
