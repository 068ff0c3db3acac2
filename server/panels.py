"""Panels shaped for the main classes, shown above the generic property list of a resource page.

A document shows its paragraphs in order with their citations and footnotes; a resolution its
sponsors with membership; a State everything that involves it; a fund who runs it and where it is
mentioned; an activity its actors, period and figures. Each panel is one SPARQL query over the
union graph with ?this bound by substitution; a panel with no rows is not shown."""

from collections import defaultdict
from dataclasses import dataclass, replace

import pyoxigraph as ox

from . import i18n, resources, store as stores
from .query_text import bind
from .namespaces import PREFIXES

HRC = PREFIXES["hrc"]
_PREFIXES = f"""PREFIX hrc: <{HRC}>
PREFIX rdfs: <{PREFIXES['rdfs']}>
PREFIX prov: <{PREFIXES['prov']}>
"""
XSD_BOOLEAN = PREFIXES["xsd"] + "boolean"
SUBCLASS_OF = ox.NamedNode(PREFIXES["rdfs"] + "subClassOf")
# Rows a panel shows: a State named in 100,000 synthetic recommendations still gets a page in
# milliseconds, and a link to the whole list as a query.
PANEL_ROWS = 100


@dataclass(frozen=True)
class Panel:
    key: str
    classes: tuple[str, ...]  # shown for resources of these classes (or their subclasses)
    title: tuple[str, str]  # English, Chinese
    columns: tuple[tuple[str, str, str], ...]  # (variable, English heading, Chinese heading)
    query: str


def _panel(key, classes, title, columns, where, order):
    variables = " ".join("?" + column[0] for column in columns)
    query = f"{_PREFIXES}SELECT DISTINCT ?this {variables} WHERE {{\n{where}\n}} ORDER BY {order}"
    return Panel(key, tuple(HRC + c for c in classes), title, columns, query)


PANELS = (
    _panel("sponsors", ("Document",), ("Sponsors", "提案国"),
           (("position", "#", "序号"), ("sponsor", "State", "国家"), ("member", "Council member", "理事会成员")),
           "?this hrc:sponsorship ?s . ?s hrc:sponsor ?sponsor ; hrc:position ?position .\n"
           "OPTIONAL { ?s hrc:councilMember ?member }", "?position"),
    _panel("state-sponsorships", ("State",), ("Sponsorships", "提案"),
           (("document", "Document", "文件"), ("member", "Council member at the time", "当时是否为理事会成员")),
           "?s hrc:sponsor ?this . ?document hrc:sponsorship ?s . OPTIONAL { ?s hrc:councilMember ?member }", "?document"),
    _panel("state-activities", ("State",), ("Technical cooperation in this State", "在该国的技术合作"),
           (("activity", "Activity", "活动"), ("implementer", "Implemented by", "实施方"),
            ("start", "From", "起始年份"), ("end", "To", "结束年份")),
           "?activity hrc:country ?this ; a/rdfs:subClassOf* hrc:TechnicalCooperationActivity .\n"
           "OPTIONAL { ?activity hrc:implementedBy ?implementer }\n"
           "OPTIONAL { ?activity hrc:startYear ?start } OPTIONAL { ?activity hrc:endYear ?end }", "?start ?activity"),
    _panel("state-recommendations", ("State",), ("Recommendations to this State", "向该国提出的建议"),
           (("recommendation", "Recommendation", "建议"), ("mechanism", "Issued by", "提出方")),
           "?recommendation a hrc:Recommendation ; hrc:country ?this .\n"
           "OPTIONAL { ?recommendation hrc:issuedBy ?mechanism }", "?recommendation"),
    _panel("fund-governance", ("VoluntaryFund",), ("Who runs it", "管理方"),
           (("role", "Role", "角色"), ("actor", "Actor", "行为方")),
           "VALUES ?role { hrc:board hrc:administeredBy } ?this ?role ?actor .", "?role ?actor"),
    _panel("activity-actors", ("TechnicalCooperationActivity",), ("Who took part", "参与方"),
           (("role", "Role", "角色"), ("actor", "Actor", "行为方")),
           "VALUES ?role { hrc:implementedBy hrc:partner hrc:fundedBy hrc:beneficiary } ?this ?role ?actor .",
           "?role ?actor"),
    _panel("activity-period", ("TechnicalCooperationActivity",), ("Period and place", "时间和地点"),
           (("start", "From", "起始年份"), ("end", "To", "结束年份"), ("country", "Country", "国家")),
           "OPTIONAL { ?this hrc:startYear ?start } OPTIONAL { ?this hrc:endYear ?end }\n"
           "OPTIONAL { ?this hrc:country ?country } FILTER (BOUND(?start) || BOUND(?end) || BOUND(?country))",
           "?country"),
    _panel("activity-figures", ("TechnicalCooperationActivity",), ("Figures", "数字"),
           (("result", "Result", "成果"), ("value", "Value", "数值"), ("unit", "Unit", "单位"), ("year", "Year", "年份")),
           "?this hrc:result ?result . ?result hrc:value ?value .\n"
           "OPTIONAL { ?result hrc:unit ?unit } OPTIONAL { ?result hrc:year ?year }", "?result"),
)

_DOCUMENT_PARTS = _PREFIXES + """SELECT ?this ?part (MIN(?type) AS ?kind) (SAMPLE(?n) AS ?number)
       (SAMPLE(?t) AS ?text) (SAMPLE(?h) AS ?heading) WHERE {
  ?part hrc:partOf ?this ; hrc:position ?position ; a ?type .
  FILTER NOT EXISTS { ?part a hrc:Footnote }
  OPTIONAL { ?part hrc:paragraphNumber ?n }
  OPTIONAL { ?part hrc:text ?t }
  OPTIONAL { ?part hrc:heading ?h }
} GROUP BY ?this ?part ?position ORDER BY ?position"""
_DOCUMENT_VERBS = _PREFIXES + """SELECT ?this ?part ?verb ?addressee WHERE {
  ?part hrc:partOf ?this .
  { ?part hrc:operativeVerb ?verb } UNION { ?part hrc:preambularVerb ?verb } UNION { ?part hrc:addressee ?addressee }
}"""
_DOCUMENT_FOOTNOTES = _PREFIXES + """SELECT ?this ?part ?footnote ?number ?text WHERE {
  ?part hrc:partOf ?this ; hrc:hasFootnote ?footnote .
  ?footnote hrc:paragraphNumber ?number .
  OPTIONAL { ?footnote hrc:text ?text }
} ORDER BY ?number"""
_DOCUMENT_CITATIONS = _PREFIXES + """SELECT ?this ?part ?cited ?pinpoint WHERE {
  ?part hrc:partOf ?this . ?citation hrc:citingPart ?part ; hrc:citedDocument ?cited .
  OPTIONAL { ?citation hrc:pinpoint ?pinpoint }
} ORDER BY ?cited"""


def classes_of(store: ox.Store, types) -> set[str]:
    """The resource's classes and all their superclasses."""
    found, pending = set(), list(types)
    while pending:
        cls = pending.pop()
        if cls.value not in found:
            found.add(cls.value)
            pending.extend(q.object for q in store.quads_for_pattern(cls, SUBCLASS_OF, None, None)
                           if isinstance(q.object, ox.NamedNode))
    return found


def _cell(store, term, lang: str):
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN:
        yes = term.value in ("true", "1")
        return resources.TermView("literal", term.value, i18n.in_language(
            {"en": "yes" if yes else "no", "zh": "是" if yes else "否"}, lang))
    view = resources.view(store, term, lang)
    return replace(view, datatype=None) if view.kind == "literal" else view


def merged(rows: list[list]) -> list[list[list]]:
    """Rows that share their first cell become one row whose cells list every distinct value
    (an activity with two implementers is one row, not two)."""
    combined: dict = {}
    for row in rows:
        cells = combined.setdefault(row[0], [[] for _ in row])
        for cell, value in zip(cells, row):
            if value is not None and value not in cell:
                cell.append(value)
    return list(combined.values())


def for_resource(store: ox.Store, node: ox.NamedNode, types, lang: str) -> list[dict]:
    """The panels that apply to the resource, with their rows, in display order."""
    classes = classes_of(store, types)
    shown = []
    if HRC + "Document" in classes:
        text = document_text(store, node, lang)
        if text:
            shown.append({"key": "text", "template": "paragraphs", "title": i18n.in_language(
                {"en": "Text, paragraph by paragraph", "zh": "正文（逐段）"}, lang), "parts": text})
    for panel in PANELS:
        if not classes.intersection(panel.classes):
            continue
        rows = stores.select(store, f"{panel.query}\nLIMIT {PANEL_ROWS + 1}", this=node)
        if not rows:
            continue
        more = bind(panel.query, {ox.Variable("this"): node}) if len(rows) > PANEL_ROWS else None
        rows = rows[:PANEL_ROWS]
        shown.append({
            "key": panel.key, "template": "table",
            "title": i18n.in_language(dict(zip(("en", "zh"), panel.title)), lang),
            "columns": [i18n.in_language({"en": en, "zh": zh}, lang) for _, en, zh in panel.columns],
            "rows": merged([[_cell(store, row[variable], lang) for variable, _, _ in panel.columns] for row in rows]),
            "more_query": more,
        })
    return shown


def document_text(store: ox.Store, node: ox.NamedNode, lang: str) -> list[dict]:
    """The document's parts in reading order, each with the documents it cites and its footnotes."""
    citations = defaultdict(list)
    for row in stores.select(store, _DOCUMENT_CITATIONS, this=node):
        citations[row["part"]].append({"cited": resources.view(store, row["cited"], lang),
                                       "pinpoint": row["pinpoint"].value if row["pinpoint"] else None})
    footnotes = defaultdict(list)
    for row in stores.select(store, _DOCUMENT_FOOTNOTES, this=node):
        footnotes[row["part"]].append({"view": resources.view(store, row["footnote"], lang),
                                       "number": row["number"].value,
                                       "text": row["text"].value if row["text"] else None,
                                       "citations": citations.get(row["footnote"], [])})
    verbs, addressees = defaultdict(list), defaultdict(list)
    for row in stores.select(store, _DOCUMENT_VERBS, this=node):
        if row["verb"] is not None:
            verbs[row["part"]].append(resources.view(store, row["verb"], lang))
        if row["addressee"] is not None:
            addressees[row["part"]].append(resources.view(store, row["addressee"], lang))
    parts = []
    for row in stores.select(store, _DOCUMENT_PARTS, this=node):
        part = row["part"]
        parts.append({
            "view": resources.view(store, part, lang),
            "kind": row["kind"].value.removeprefix(HRC),
            "number": row["number"].value if row["number"] else None,
            "text": row["text"].value if row["text"] else None,
            "heading": row["heading"].value if row["heading"] else None,
            "citations": citations.get(part, []),
            "footnotes": footnotes.get(part, []),
            "verbs": sorted(verbs.get(part, []), key=lambda v: v.text),
            "addressees": sorted(addressees.get(part, []), key=lambda v: v.text),
        })
    return parts
