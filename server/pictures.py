"""Pictures for people who would rather look than read: the citation network of the documents,
and the neighbourhood of any resource, drawn on the server as SVG.

No JavaScript library and nothing from a CDN: the SVG goes inline into the page (the Content
Security Policy allows it, and its nodes are real links), or is served bare as image/svg+xml.
Every piece of text is XML-escaped; the same graph gives the same bytes."""

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup, escape

from . import i18n, resources, store as stores
from .errors import BadRequest, NotFound
from .identifiers import BASE
from .layout import Box, bounds, force_layout, separate, shorten, text_width
from .namespaces import PREFIXES
from .store import select

blueprint = Blueprint("pictures", __name__)

HRC = PREFIXES["hrc"]
HRC_SYMBOL = ox.NamedNode(HRC + "symbol")
SVG_MEDIA_TYPE = "image/svg+xml; charset=utf-8"
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
INK, MUTED, ACCENT, LINE = "#1b1b1b", "#5a5a5a", "#0b5cad", "#8a8a8a"

# One colour per kind of document (Okabe-Ito, told apart with colour-blindness too), keyed by the
# end of the document-type concept IRI or, without one, by the class name in kebab case.
TYPE_COLOURS = {
    "resolution": "#0072B2", "draft-resolution": "#56B4E9", "report": "#D55E00", "treaty": "#009E73",
    "declaration": "#CC79A7", "publication": "#E69F00", "statement": "#8C510A", "national-instrument": "#7A7A7A",
}
SPARE_COLOURS = ("#332288", "#117733", "#882255", "#999933", "#44AA99", "#AA4499")

NEIGHBOURS_SHOWN = 24


def _say(lang: str, english: str, chinese: str) -> str:
    """Text in the picture's language (pictures take lang as an argument, not from the request)."""
    return chinese if lang == "zh" else english


# --- SVG writing -----------------------------------------------------------------------------

def _n(value: float) -> str:
    """A coordinate, with one decimal: enough on screen, and stable in the output."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Text content, escaped, without the control characters XML does not allow at all."""
    return str(escape(_NOT_XML.sub("", value)))


def _attrs(attrs: dict) -> str:
    return "".join(f' {name}="{_text(value)}"' for name, value in attrs.items() if value is not None)


def _element(name: str, attrs: dict, content: str = "") -> str:
    return f"<{name}{_attrs(attrs)}>{content}</{name}>" if content else f"<{name}{_attrs(attrs)}/>"


def _svg(width: float, height: float, title: str, description: str, ident: str, body: list[str], css: str,
         font_size: float = 12) -> Markup:
    """The outer element: responsive (width 100%, a viewBox), announced as one image with a title."""
    head = "<svg" + _attrs({
        "xmlns": "http://www.w3.org/2000/svg", "class": f"picture {css}", "viewBox": f"0 0 {_n(width)} {_n(height)}",
        "width": "100%", "role": "img", "aria-labelledby": f"{ident}-title {ident}-desc",
        "font-family": FONT, "font-size": _n(font_size), "fill": INK,
    }) + ">"
    parts = [head, _element("title", {"id": f"{ident}-title"}, _text(title)),
             _element("desc", {"id": f"{ident}-desc"}, _text(description)), *body, "</svg>"]
    return Markup("\n".join(parts) + "\n")


def _arrow_marker(ident: str, colour: str) -> str:
    path = _element("path", {"d": "M0,0 L10,5 L0,10 z", "fill": colour})
    return _element("marker", {"id": ident, "viewBox": "0 0 10 10", "refX": "10", "refY": "5",
                               "markerWidth": "8", "markerHeight": "8", "markerUnits": "userSpaceOnUse",
                               "orient": "auto-start-reverse"}, path)


def _label(text: str, x: float, y: float, anchor: str = "middle", **extra) -> str:
    """A label with a white halo, so that it stays readable where it crosses a line."""
    return _element("text", {"x": _n(x), "y": _n(y), "text-anchor": anchor, "stroke": "#fff", "stroke-width": "3",
                             "stroke-linejoin": "round", "paint-order": "stroke", **extra}, _text(text))


# --- names -----------------------------------------------------------------------------------

def short_name(store: ox.Store, node, lang: str) -> str:
    """What a picture calls a resource: a document's symbol, else its label in lang (with fallback)."""
    symbols = [t.value for t in resources.values(store, node, HRC_SYMBOL) if isinstance(t, ox.Literal)]
    if symbols:
        return sorted(symbols)[0]
    if (isinstance(node, ox.NamedNode) and resources.local_path(node.value) is None
            and not resources.label_values(store, node) and resources.curie(node.value) == node.value):
        return re.sub(r"^https?://(www\.)?", "", node.value)  # an outside page: where it is says most
    return resources.label(store, node, lang)


def full_name(store: ox.Store, node, name: str, lang: str) -> str:
    """For a tooltip: the short name, the label and the title, each once (A/HRC/RES/33/28 ·
    Human Rights Council resolution 33/28 · Enhancement of technical cooperation...)."""
    titles = {t.language or "": t.value for t in resources.values(store, node, resources.DCTERMS_TITLE)
              if isinstance(t, ox.Literal)}
    parts = []
    for part in (name, resources.label(store, node, lang), i18n.in_language(titles, lang)):
        if part and part not in parts:
            parts.append(part)
    return " · ".join(parts)


def _slug(iri: str) -> str:
    """The last part of an IRI in kebab case: .../document-type/report -> report, hrc:DraftResolution -> draft-resolution."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", tail).lower()


# --- the citation network --------------------------------------------------------------------

DOCUMENTS_QUERY = """
PREFIX hrc: <https://w3id.org/hrckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?doc ?class ?type WHERE {
  ?class rdfs:subClassOf* hrc:Document .
  ?doc a ?class .
  OPTIONAL { ?doc hrc:documentType ?type }
  FILTER(isIRI(?doc))
}"""

# A passage is a part of the citing document (paragraph, footnote, heading) that cites the other:
# said directly (hrc:cites) or by a citation record (hrc:citingPart, hrc:citedDocument). A document
# that cites another without naming the part counts as one passage, itself. Parts roll up to every
# resource they are part of; citation_network keeps the pairs of documents.
CITATIONS_QUERY = """
PREFIX hrc: <https://w3id.org/hrckg/ontology#>
SELECT ?citing ?cited (COUNT(DISTINCT ?passage) AS ?passages) WHERE {
  { ?passage hrc:cites ?cited . ?passage hrc:partOf+ ?citing . }
  UNION
  { ?record hrc:citingPart ?passage ; hrc:citedDocument ?cited . ?passage hrc:partOf+ ?citing . }
  UNION
  { ?citing hrc:cites ?cited . BIND(?citing AS ?passage) }
  UNION
  { ?record hrc:citingPart ?citing ; hrc:citedDocument ?cited . BIND(?citing AS ?passage) }
  FILTER(?citing != ?cited)
} GROUP BY ?citing ?cited"""


@dataclass
class DocumentNode:
    iri: str
    name: str  # symbol or label, as shown
    title: str  # full label, for the tooltip
    type_key: str
    href: str | None
    cited: int = 0  # citing passages pointing at it
    cites: int = 0


@dataclass
class CitationEdge:
    citing: DocumentNode
    cited: DocumentNode
    passages: int


@dataclass
class DocumentType:
    key: str  # the document-type concept (or class) IRI
    label: str
    colour: str
    count: int
    href: str | None  # its page here


@dataclass
class CitationNetwork:
    nodes: list[DocumentNode]
    edges: list[CitationEdge]  # most citing passages first
    types: list[DocumentType]


def citation_network(store: ox.Store, lang: str) -> CitationNetwork:
    """Every document, and an edge from A to B weighted by the passages of A that cite B."""
    kinds: dict[str, tuple] = {}
    for row in select(store, DOCUMENTS_QUERY):
        doc, cls, concept = row["doc"].value, row["class"], row["type"]
        specific = cls.value != HRC + "Document"
        rank = (concept is None, not specific, (concept or cls).value)  # concept, then specific class
        if doc not in kinds or rank < kinds[doc][0]:
            kinds[doc] = (rank, concept or cls)
    nodes = {}
    for iri in sorted(kinds, key=resources.natural_key):
        node = ox.NamedNode(iri)
        name = short_name(store, node, lang)
        nodes[iri] = DocumentNode(iri, name, full_name(store, node, name, lang), kinds[iri][1].value,
                                  resources.local_path(iri))
    edges = []
    for row in select(store, CITATIONS_QUERY):
        citing, cited = nodes.get(row["citing"].value), nodes.get(row["cited"].value)
        if citing and cited:
            passages = int(row["passages"].value)
            edges.append(CitationEdge(citing, cited, passages))
            cited.cited += passages
            citing.cites += passages
    edges.sort(key=lambda e: (-e.passages, resources.natural_key(e.citing.name), resources.natural_key(e.cited.name)))
    counts = defaultdict(int)
    for node in nodes.values():
        counts[node.type_key] += 1
    types, spare = [], iter(SPARE_COLOURS * 4)
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        colour = TYPE_COLOURS.get(_slug(key)) or next(spare, LINE)
        types.append(DocumentType(key, resources.label(store, ox.NamedNode(key), lang), colour, counts[key],
                                  resources.local_path(key)))
    return CitationNetwork(list(nodes.values()), edges, types)


def node_radius(cited: int) -> float:
    """Area grows with the number of citing passages: 5 for a document nobody cites."""
    return 5.0 + 3.0 * math.sqrt(cited)


LABEL_SIZE = 13
LABEL_ROOM = 175  # widest label under a document, in user units
SPREAD = 80.0  # about the distance between neighbours in the force layout, in user units
MARGIN = 16.0
ASPECT = 1.6  # labels are wide: give the layout more room across than down


def citations_svg(store: ox.Store, lang: str, legend: bool = True) -> Markup:
    """The citation network as SVG; with legend for the bare picture, without for the page (which
    shows the legend as a list)."""
    network, layout = citation_picture(store, lang)
    return draw_citations(network, layout, lang, legend)


def citation_picture(store: ox.Store, lang: str) -> tuple[CitationNetwork, "CitationLayout"]:
    """The network and its layout, computed once per app and language: the graph does not change
    while the server runs, and the layout takes most of a second."""
    cache = current_app.extensions.setdefault("hrckg.pictures", {})
    key = ("citations", id(store), lang)
    if key not in cache:
        network = citation_network(store, lang)
        cache[key] = (network, citation_layout(network))
    return cache[key]


@dataclass
class CitationLayout:
    xs: list[float]
    ys: list[float]
    labels: list[str]
    radii: list[float]
    width: float
    height: float


def citation_layout(network: CitationNetwork) -> CitationLayout:
    """Force-directed positions, then label boxes pushed apart, then moved to start at the margin."""
    nodes = network.nodes
    index = {node.iri: i for i, node in enumerate(nodes)}
    pairs = [(index[e.citing.iri], index[e.cited.iri], float(e.passages)) for e in network.edges]
    unit = force_layout(len(nodes), pairs)
    labels = [shorten(node.name, LABEL_ROOM, LABEL_SIZE) for node in nodes]
    radii = [node_radius(node.cited) for node in nodes]
    spread = SPREAD * math.sqrt(len(nodes))
    boxes = []
    for (x, y), label, radius in zip(unit, labels, radii):
        half = max(radius, text_width(label, LABEL_SIZE) / 2 + 2)
        boxes.append(Box(x * spread * ASPECT, y * spread, half, half, radius + 1, radius + LABEL_SIZE + 5))
    separate(boxes)
    min_x, min_y, max_x, max_y = bounds(boxes) if boxes else (0.0, 0.0, 200.0, 100.0)
    return CitationLayout([b.x - min_x + MARGIN for b in boxes], [b.y - min_y + MARGIN for b in boxes],
                          labels, radii, max(max_x - min_x + 2 * MARGIN, 320.0), max_y - min_y + 2 * MARGIN)


def draw_citations(network: CitationNetwork, layout: CitationLayout, lang: str, legend: bool = True) -> Markup:
    nodes = network.nodes
    index = {node.iri: i for i, node in enumerate(nodes)}
    labels, radii, width = layout.labels, layout.radii, layout.width
    colours = {kind.key: kind.colour for kind in network.types}
    legend_parts, top_band = _legend(network.types, width, MARGIN) if legend else ([], 0.0)
    height = layout.height + top_band
    xs, ys = layout.xs, [y + top_band for y in layout.ys]
    body = []
    body.append(_element("defs", {}, _arrow_marker("citations-arrow", "#6b6b6b")))
    body.extend(legend_parts)
    reciprocal = {(e.citing.iri, e.cited.iri) for e in network.edges}
    edge_parts = []
    for edge in network.edges:
        a, b = index[edge.citing.iri], index[edge.cited.iri]
        bend = 18.0 if (edge.cited.iri, edge.citing.iri) in reciprocal else 0.0
        path = _edge_path(xs[a], ys[a], xs[b], ys[b], radii[a], radii[b] + 1.5, bend)
        tip = _say(lang, f"{edge.citing.name} cites {edge.cited.name}: {edge.passages} passage(s)",
                   f"{edge.citing.name} 引用 {edge.cited.name}：{edge.passages} 处")
        edge_parts.append(_element("path", {
            "class": "edge", "d": path, "fill": "none", "stroke": "#6b6b6b", "stroke-opacity": "0.55",
            "stroke-width": _n(0.8 + 0.7 * (edge.passages - 1)), "marker-end": "url(#citations-arrow)",
            "data-from": str(a), "data-to": str(b)}, _element("title", {}, _text(tip))))
    body.append(_element("g", {"class": "edges"}, "\n" + "\n".join(edge_parts) + "\n"))
    node_parts = []
    for i, node in enumerate(nodes):
        circle = _element("circle", {"cx": _n(xs[i]), "cy": _n(ys[i]), "r": _n(radii[i]),
                                     "fill": colours[node.type_key], "stroke": "#fff", "stroke-width": "1.5"})
        text = _label(labels[i], xs[i], ys[i] + radii[i] + LABEL_SIZE + 1,
                      **({"font-weight": "600"} if node.cites else {}))
        tip = node.title + _say(lang, f" — cited in {node.cited} passage(s)", f" — 被引用 {node.cited} 处")
        node_parts.append(_element("a", {"href": node.href or resources.link_href(node.iri), "class": "node", "data-node": str(i)},
                                   _element("title", {}, _text(tip)) + circle + text))
    body.append(_element("g", {"class": "nodes"}, "\n" + "\n".join(node_parts) + "\n"))
    title = _say(lang, "Citation network of the documents", "文件引用网络")
    description = _say(
        lang,
        f"{len(nodes)} documents and {len(network.edges)} citation links. An arrow goes from the citing "
        "document to the cited one; thicker arrows stand for more citing passages, bigger circles for "
        "documents cited more often, and the colour for the kind of document.",
        f"{len(nodes)} 份文件，{len(network.edges)} 条引用关系。箭头从引用文件指向被引文件；"
        "箭头越粗，引用的段落越多；圆越大，被引用越多；颜色表示文件类型。")
    return _svg(width, height, title, description, "citations", body, "citations", LABEL_SIZE)


def _edge_path(x1, y1, x2, y2, r1, r2, bend=0.0) -> str:
    """A straight (or, for a pair citing each other, slightly bent) path between two circles' rims."""
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    if not bend:
        return f"M{_n(x1 + ux * r1)},{_n(y1 + uy * r1)} L{_n(x2 - ux * r2)},{_n(y2 - uy * r2)}"
    cx, cy = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
    sx, sy = _towards(x1, y1, cx, cy, r1)
    ex, ey = _towards(x2, y2, cx, cy, r2)
    return f"M{_n(sx)},{_n(sy)} Q{_n(cx)},{_n(cy)} {_n(ex)},{_n(ey)}"


def _towards(x, y, tx, ty, distance):
    length = math.hypot(tx - x, ty - y) or 1.0
    return x + (tx - x) / length * distance, y + (ty - y) / length * distance


def _legend(types: list[DocumentType], width: float, margin: float) -> tuple[list[str], float]:
    """The colour key, as a band of swatches across the top (wrapping to more rows if needed)."""
    parts, x, y = [], margin, margin + 10
    items = []
    for kind in types:
        text = f"{kind.label} ({kind.count})"
        step = 18 + text_width(text, 12) + 18
        if x + step > width - margin and x > margin:
            x, y = margin, y + 22
        items.append(_element("circle", {"cx": _n(x + 6), "cy": _n(y - 4), "r": "6", "fill": kind.colour}) +
                     _element("text", {"x": _n(x + 16), "y": _n(y)}, _text(text)))
        x += step
    parts.append(_element("g", {"class": "legend", "aria-hidden": "true", "font-size": "12"}, "".join(items)))
    return parts, y + 16


# --- a resource's neighbourhood --------------------------------------------------------------

@dataclass
class Neighbour:
    node: ox.NamedNode
    out: list[ox.NamedNode]  # properties from the centre to it
    into: list[ox.NamedNode]  # properties from it to the centre


def neighbourhood(store: ox.Store, node: ox.NamedNode, limit: int = NEIGHBOURS_SHOWN) -> tuple[list[Neighbour], int]:
    """The IRIs linked to node either way (types, literals and blank nodes left out), at most limit
    of them, and how many there are in all.

    A link stated both ways through inverse properties (hasPart and partOf) counts once. The
    neighbours shown are picked in turn from each property, the property with most neighbours
    first, so that one big property (a report's 200 parts) does not hide all the others; they
    are drawn grouped by property, in natural order (paragraph 2 before paragraph 10)."""
    found: dict[str, Neighbour] = {}
    for predicate, obj in resources.outgoing(store, node):
        if isinstance(obj, ox.NamedNode) and predicate != resources.RDF_TYPE and obj != node:
            found.setdefault(obj.value, Neighbour(obj, [], [])).out.append(predicate)
    inverse = resources.inverse_pairs(store)
    for subject, predicate in resources.incoming(store, node):
        if not isinstance(subject, ox.NamedNode) or predicate == resources.RDF_TYPE or subject == node:
            continue
        known = found.get(subject.value)
        if known and any((predicate, p) in inverse for p in known.out):
            continue
        found.setdefault(subject.value, Neighbour(subject, [], [])).into.append(predicate)
    groups: dict[tuple, list[str]] = defaultdict(list)
    for iri, neighbour in found.items():
        for predicate in neighbour.out:
            groups[("out", predicate.value)].append(iri)
        for predicate in neighbour.into:
            groups[("in", predicate.value)].append(iri)
    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    for group in order:
        groups[group].sort(key=resources.natural_key)
    chosen: set[str] = set()
    queues = {group: iter(groups[group]) for group in order}
    while len(chosen) < min(limit, len(found)):
        for group in order:
            for iri in queues[group]:
                if iri not in chosen:
                    chosen.add(iri)
                    break
            if len(chosen) >= limit:
                break
    shown, placed = [], set()
    for group in order:
        for iri in groups[group]:
            if iri in chosen and iri not in placed:
                placed.add(iri)
                shown.append(found[iri])
    return shown, len(found)


def neighbourhood_svg(store: ox.Store, node, lang: str) -> Markup:
    """The resource in the middle, what points to it on the left, what it points to on the right;
    empty when it has no IRI neighbours. Cheap: only the node's own links and its neighbours' names."""
    node = ox.NamedNode(node) if isinstance(node, str) else node
    shown, total = neighbourhood(store, node)
    if not shown:
        return Markup("")
    return draw_neighbourhood(store, node, shown, total, lang)


NB_WIDTH = 1040.0
NB_LABEL_ROOM = 210.0
NB_ROW = 28.0
NB_DOUBLE_ROW = 42.0
NB_COLUMN = 240.0  # distance of each column of neighbours from its side of the picture
NB_RADIUS = 6.0
NB_EDGE_LABEL_ROOM = 185.0


def draw_neighbourhood(store: ox.Store, node: ox.NamedNode, shown: list[Neighbour], total: int, lang: str) -> Markup:
    hidden = total - len(shown)
    left = [n for n in shown if not n.out]
    right = [n for n in shown if n.out]
    names: dict[str, str] = {}

    def prop(predicate):
        if predicate.value not in names:
            names[predicate.value] = resources.label(store, predicate, lang)
        return names[predicate.value]

    def column_height(column):
        return sum(NB_DOUBLE_ROW if n.out and n.into else NB_ROW for n in column)

    margin = 14.0
    inner = max(column_height(left), column_height(right), 60.0)
    note = 26.0 if hidden > 0 else 0.0
    height = inner + 2 * margin + note
    centre_x, centre_y = NB_WIDTH / 2, margin + inner / 2
    centre_name = short_name(store, node, lang)
    centre_text = shorten(centre_name, 196, 13)
    half = max(text_width(centre_text, 13) / 2 + 12, 50.0)
    box_left, box_right = centre_x - half, centre_x + half
    # The edges meet the centre's box at points spread down its sides, so arrowheads do not pile up.
    box_height = max(34.0, min(7.0 * max(len(left), len(right)), inner - 20))

    edges, nodes = [], []
    for side, column in (("left", left), ("right", right)):
        y = margin + (inner - column_height(column)) / 2
        span = box_height - 14
        x = NB_COLUMN if side == "left" else NB_WIDTH - NB_COLUMN
        anchor_x = box_left if side == "left" else box_right
        toward = 1.0 if side == "left" else -1.0  # from the neighbour toward the centre
        for row_number, neighbour in enumerate(column):
            anchor_y = centre_y - span / 2 + span * (row_number + 0.5) / len(column)
            double = bool(neighbour.out and neighbour.into)
            row = NB_DOUBLE_ROW if double else NB_ROW
            ny = y + row / 2
            y += row
            name = short_name(store, neighbour.node, lang)
            path = resources.local_path(neighbour.node.value)
            label_x = x - toward * (NB_RADIUS + 6)
            label = shorten(name, NB_LABEL_ROOM, 12)
            link = {"href": resources.link_href(neighbour.node.value), "class": "node" if path else "node external",
                    "rel": None if path else "external"}
            circle = _element("circle", {"cx": _n(x), "cy": _n(ny), "r": _n(NB_RADIUS),
                                         "fill": ACCENT if path else "#fff", "stroke": ACCENT if path else MUTED,
                                         "stroke-width": "1.5"})
            text = _label(label, label_x, ny + 4, "end" if side == "left" else "start")
            tip = f"{full_name(store, neighbour.node, name, lang)}\n{neighbour.node.value}"
            nodes.append(_element("a", link, _element("title", {}, _text(tip)) + circle + text))
            directions = []
            if neighbour.out:
                directions.append(("out", neighbour.out, -7.0 if double else 0.0))
            if neighbour.into:
                directions.append(("in", neighbour.into, 7.0 if double else 0.0))
            for direction, predicates, bend in directions:
                words = " · ".join(sorted({prop(p) for p in predicates}))
                start = (anchor_x, anchor_y)
                end = (x + toward * NB_RADIUS, ny)
                if direction == "in":
                    start, end = end, start
                d = _bent_path(start, end, bend)
                if direction == "out":
                    tip = f"{centre_name} — {words} → {name}"
                else:
                    tip = f"{name} — {words} → {centre_name}"
                edges.append(_element("path", {"class": "edge", "d": d, "fill": "none", "stroke": LINE,
                                               "stroke-width": "1.2", "marker-end": "url(#neighbourhood-arrow)"},
                                      _element("title", {}, _text(tip))))
                text_x = x + toward * (NB_RADIUS + (6 if side == "left" else 16))
                shown_words = shorten(words, NB_EDGE_LABEL_ROOM, 10.5)
                edges.append(_label(shown_words, text_x, ny + 3.5 + bend, "start" if side == "left" else "end",
                                    **{"font-size": "10.5", "fill": MUTED, "class": "edge-label"}))

    centre = (_element("rect", {"x": _n(box_left), "y": _n(centre_y - box_height / 2), "width": _n(2 * half),
                                "height": _n(box_height),
                                "rx": "8", "fill": "#eaf1fa", "stroke": ACCENT, "stroke-width": "1.5"}) +
              _element("text", {"x": _n(centre_x), "y": _n(centre_y + 4.5), "text-anchor": "middle",
                                "font-size": "13", "font-weight": "700"}, _text(centre_text)))
    centre_link = resources.link_href(node.value)
    body = [_element("defs", {}, _arrow_marker("neighbourhood-arrow", LINE)),
            _element("g", {"class": "edges"}, "\n" + "\n".join(edges) + "\n"),
            _element("a", {"href": centre_link, "class": "centre"},
                     _element("title", {}, _text(f"{full_name(store, node, centre_name, lang)}\n{node.value}")) + centre),
            _element("g", {"class": "nodes"}, "\n" + "\n".join(nodes) + "\n")]
    if hidden > 0:
        body.append(_element("text", {"x": _n(centre_x), "y": _n(height - margin), "text-anchor": "middle",
                                      "fill": MUTED, "class": "more"},
                             _text(_say(lang, f"+{hidden} more not shown", f"另有 {hidden} 项未显示"))))
    title = _say(lang, f"Links of {centre_name}", f"{centre_name} 的关联")
    description = _say(
        lang,
        f"{centre_name} in the middle; on the left, {len(left)} resources that link to it; on the right, "
        f"{len(right)} resources it links to. Each arrow is named by its property."
        + (f" {hidden} more are not shown." if hidden > 0 else ""),
        f"{centre_name} 位于中间；左侧为指向它的 {len(left)} 个资源，右侧为它指向的 {len(right)} 个资源。"
        "每个箭头标有其属性。" + (f"另有 {hidden} 项未显示。" if hidden > 0 else ""))
    return _svg(NB_WIDTH, height, title, description, "neighbourhood", body, "neighbourhood")


def _bent_path(start, end, bend) -> str:
    (x1, y1), (x2, y2) = start, end
    if not bend:
        return f"M{_n(x1)},{_n(y1)} L{_n(x2)},{_n(y2)}"
    return f"M{_n(x1)},{_n(y1)} Q{_n((x1 + x2) / 2)},{_n((y1 + y2) / 2 + bend * 2)} {_n(x2)},{_n(y2)}"


# --- routes ----------------------------------------------------------------------------------

def _svg_response(svg: Markup):
    response = current_app.response_class('<?xml version="1.0" encoding="utf-8"?>\n' + str(svg),
                                          content_type=SVG_MEDIA_TYPE)
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@blueprint.get("/citations")
def citations_page():
    store, lang = stores.current(), i18n.chosen_language()
    network, _ = citation_picture(store, lang)
    return render_template("citations.html", picture=citations_svg(store, lang, legend=False), network=network)


@blueprint.get("/citations.svg")
def citations_picture():
    store, lang = stores.current(), i18n.chosen_language()
    return _svg_response(citations_svg(store, lang, legend=True))


@blueprint.get("/pictures/neighbourhood.svg")
def neighbourhood_picture():
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BadRequest("give the IRI of a resource of this graph as ?iri=")
    if not iri.startswith(BASE):
        raise BadRequest(f"{iri} is not an IRI of this graph (they start with {BASE})")
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise BadRequest(f"{iri!r} is not a valid IRI") from None
    store = stores.current()
    if not resources.exists(store, node):
        raise NotFound(f"the graph has nothing about {iri}")
    shown, total = neighbourhood(store, node)
    return _svg_response(draw_neighbourhood(store, node, shown, total, i18n.chosen_language()))
