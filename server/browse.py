"""The home page and the class index: what the graph holds, and every instance of a class, page by page.

Counts come from the VoID statistics (computed once). Sorting and paging of a class's instances
happen in SPARQL (ORDER BY, LIMIT, OFFSET): the store does the work and Python only ever holds one
page of rows, however many instances the class has."""

import pyoxigraph as ox
from flask import Blueprint, render_template, request

from . import i18n, resources, store as stores
from .description import current_statistics
from .errors import BadRequest, NotFound
from .identifiers import BASE, ONTOLOGY
from .namespaces import PREFIXES
from .store import select

blueprint = Blueprint("browse", __name__)

PAGE_SIZE = 50
SKOS_DEFINITION = ox.NamedNode(PREFIXES["skos"] + "definition")

# Example questions on the home page: (query file in queries/, English, Chinese).
EXAMPLE_QUESTIONS = (
    ("draft-sponsors", "Who sponsored the HRC 51 draft resolution?", "哪些国家提出了人权理事会第51届会议决议草案？"),
    ("cambodia", "What does the graph say about Cambodia?", "图谱中关于柬埔寨有哪些信息？"),
    ("voluntary-funds", "Which voluntary funds support technical cooperation?", "哪些自愿基金支持技术合作？"),
    ("recommendations", "Which recommendations were made, and to whom?", "提出了哪些建议，针对谁？"),
    ("resolutions-cited", "Which resolutions do the documents cite?", "文件引用了哪些决议？"),
)
SOURCE_DOCUMENTS = (BASE + "id/doc/A-HRC-35-20", BASE + "id/doc/HRC-51-draft-technical-cooperation")

# A class's instances with their label for sorting: in the reader's language, else the other one,
# else an untagged one; among label properties in the order resources.label uses. The rank digits
# in front of each candidate make MIN pick that label; SUBSTR(?best, 3) drops them again.
_INSTANCES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?class ?lang ?resource (MIN(?candidate) AS ?best) WHERE {
  ?resource a ?class .
  OPTIONAL {
    VALUES (?property ?rank) { (skos:prefLabel "1") (rdfs:label "2") (dcterms:title "3") (sh:name "4") }
    ?resource ?property ?name .
    FILTER(isLiteral(?name))
  }
  BIND(CONCAT(IF(LANG(?name) = ?lang, "0", IF(LANG(?name) = "", "2", "1")), ?rank, STR(?name)) AS ?candidate)
}
GROUP BY ?class ?lang ?resource
"""
_ORDERS = {
    ("label", "asc"): "ORDER BY LCASE(COALESCE(SUBSTR(?best, 3), STR(?resource))) STR(?resource)",
    ("label", "desc"): "ORDER BY DESC(LCASE(COALESCE(SUBSTR(?best, 3), STR(?resource)))) DESC(STR(?resource))",
    ("iri", "asc"): "ORDER BY STR(?resource)",
    ("iri", "desc"): "ORDER BY DESC(STR(?resource))",
}


def page_number(pages: int) -> int:
    """The 1-based ?page= argument, checked against the number of pages (at least one)."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit():
        raise BadRequest(f"page must be a whole number from 1 to {max(pages, 1)}, not {raw!r}")
    number = int(raw)
    if not 1 <= number <= max(pages, 1):
        raise BadRequest(f"page {number} does not exist: there {'is' if pages <= 1 else 'are'} {max(pages, 1)} "
                         f"page{'' if pages <= 1 else 's'}")
    return number


def choice(name: str, allowed: tuple[str, ...]) -> str:
    """A query argument that must be one of a few words; the first is the default."""
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def class_iri(compact: str, status: int = 404) -> str:
    """The IRI of a compact IRI like hrc:State; an error (404 by default) for a prefix we do not know."""
    prefix, colon, local = compact.partition(":")
    if not colon or prefix not in PREFIXES or not local:
        message = f"{compact!r} is not a compact IRI with a known prefix ({', '.join(sorted(PREFIXES))})"
        raise NotFound(message) if status == 404 else BadRequest(message)
    return PREFIXES[prefix] + local


def class_rows(store: ox.Store, lang: str) -> list[dict]:
    """Every class with instances, most instances first, labelled in lang."""
    rows = []
    for iri, count in sorted(current_statistics()["classes"], key=lambda item: (-item[1], item[0])):
        rows.append({"iri": iri, "curie": resources.curie(iri), "count": count, "ours": iri.startswith(ONTOLOGY),
                     "label": resources.label(store, ox.NamedNode(iri), lang)})
    return rows


@blueprint.get("/")
def home():
    store, lang = stores.current(), i18n.chosen_language()
    stats = current_statistics()
    documents = [{"href": resources.local_path(iri), "label": resources.label(store, ox.NamedNode(iri), lang)}
                 for iri in SOURCE_DOCUMENTS]
    examples = [{"href": f"/query?example={name}", "text": i18n.ui(english, chinese)}
                for name, english, chinese in EXAMPLE_QUESTIONS]
    return render_template("home.html", triples=stats["triples"], classes=class_rows(store, lang),
                           documents=documents, examples=examples)


@blueprint.get("/browse")
def all_classes():
    classes = class_rows(stores.current(), i18n.chosen_language())
    return render_template("browse.html", classes=classes, triples=current_statistics()["triples"])


@blueprint.get("/browse/<compact>")
def class_index(compact: str):
    store, lang = stores.current(), i18n.chosen_language()
    iri = class_iri(compact)
    count = dict(current_statistics()["classes"]).get(iri, 0)
    if not count:
        raise NotFound(f"the graph has no instances of {compact}")
    sort, order = choice("sort", ("label", "iri")), choice("order", ("asc", "desc"))
    pages = -(-count // PAGE_SIZE)
    page = page_number(pages)
    query = f"{_INSTANCES}{_ORDERS[sort, order]} LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    rows = []
    for row in select(store, query, **{"class": ox.NamedNode(iri), "lang": ox.Literal(lang)}):
        node, best = row["resource"], row["best"]
        is_iri = isinstance(node, ox.NamedNode)
        rows.append({
            "label": best.value[2:] if best is not None else resources.label(store, node, lang),
            "href": resources.link_href(node.value) if is_iri else None,
            "curie": resources.curie(node.value) if is_iri else "_:" + node.value,
            "iri": node.value if is_iri else None,
        })
    node = ox.NamedNode(iri)
    definitions = {term.language or "": term.value for term in resources.values(store, node, SKOS_DEFINITION)
                   if isinstance(term, ox.Literal)}
    return render_template(
        "class_index.html", iri=iri, curie=compact, count=count, rows=rows, page=page, pages=pages,
        sort=sort, order=order, label=resources.label(store, node, lang),
        definition=i18n.in_language(definitions, lang),
        documentation=resources.local_path(iri) if iri.startswith(ONTOLOGY) else None,
        first_number=(page - 1) * PAGE_SIZE + 1)

