"""Hints a contributor can act on, added to validation results: the closest known State codes for
an unknown one, the closest existing IRIs for a dangling link, what a missing Chinese label should
hold, and an existing well-formed symbol next to a malformed one. Every suggestion comes from the
graph or from pycountry, never from guesswork."""

import difflib
from dataclasses import replace

import pycountry
import pyoxigraph as ox

from .identifiers import ID
from .store import select
from .validation import HRCSH, Result

COUNTRY = ID + "country/"
_STATES = """
    PREFIX hrc: <https://w3id.org/hrckg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?code (SAMPLE(?name) AS ?label) WHERE {
        ?state hrc:isoAlpha3 ?code . OPTIONAL { ?state rdfs:label ?name FILTER (LANG(?name) = "en") }
    } GROUP BY ?code"""
_SAME_KIND = """
    SELECT DISTINCT ?resource ?prefix WHERE {
        ?resource a ?type . FILTER (isIRI(?resource) && STRSTARTS(STR(?resource), ?prefix))
    } LIMIT 50000"""
_SYMBOLS = "PREFIX hrc: <https://w3id.org/hrckg/ontology#> SELECT DISTINCT ?symbol WHERE { ?document hrc:symbol ?symbol }"


MAX_HINTED = 50  # results that get a hint: enough to act on, and a bounded cost for any contribution


def with_hints(store: ox.Store, results: list[Result]) -> list[Result]:
    """The results, the first MAX_HINTED of them with a hint where there is one. The candidates a
    hint compares with are read once per kind for all of them."""
    cache: dict = {}
    hinted = []
    for number, result in enumerate(results):
        hint = _hint(store, result, cache) if number < MAX_HINTED else None
        hinted.append(replace(result, hint_en=hint[0], hint_zh=hint[1]) if hint else result)
    return hinted


def _once(cache: dict, key, compute):
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _hint(store: ox.Store, result: Result, cache: dict) -> tuple[str, str] | None:
    source = str(result.source_shape)
    value = str(result.value) if result.value is not None else ""
    dangling = source in (str(HRCSH.NoDanglingLinkShape), str(HRCSH.NoDanglingLinkConstraint))
    if dangling and value.startswith(COUNTRY):
        return state_hint(store, value[len(COUNTRY):], cache)
    if dangling and value.startswith(ID):
        return closest_iri_hint(store, value, cache)
    if source.endswith("-labelZh"):
        return ('Add rdfs:label "…"@zh with the name as the Chinese text of the source writes it '
                "(and an @en label with the standard English name).",
                '请添加 rdfs:label "…"@zh，写出来源中文文本中的名称(并添加英文标准名称的 @en 标签)。')
    if source == str(HRCSH["Document-symbol"]) and value:
        return symbol_hint(store, value, cache)
    return None


def state_hint(store: ox.Store, code: str, cache: dict | None = None) -> tuple[str, str]:
    """For id/country/{code} that is not in the graph."""
    known = _once({} if cache is None else cache, "states", lambda: {
        row["code"].value: (row["label"].value if row["label"] else "") for row in select(store, _STATES)})
    if code.upper() in known and code != code.upper():
        return (f"State IRIs use the upper-case code: <{COUNTRY}{code.upper()}> ({known[code.upper()]}).",
                f"国家 IRI 使用大写代码：<{COUNTRY}{code.upper()}>({known[code.upper()]})。")
    closest = difflib.get_close_matches(code.upper(), known, n=3, cutoff=0.0)
    listed = ", ".join(f"{c} ({known[c]})" if known[c] else c for c in closest) or "none (the graph has no States)"
    country = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    if country is None and len(code) == 2:
        alpha2 = pycountry.countries.get(alpha_2=code.upper())
        if alpha2 is not None:
            missing = "" if alpha2.alpha_3 in known else " (not in the graph yet: add it as an hrc:State)"
            missing_zh = "" if alpha2.alpha_3 in known else "(尚未在图中：请将其添加为 hrc:State)"
            return (f"State IRIs use the ISO 3166-1 alpha-3 code: {code} is {alpha2.name}, whose IRI is "
                    f"<{COUNTRY}{alpha2.alpha_3}>{missing}.",
                    f"国家 IRI 使用 ISO 3166-1 三位字母代码：{code} 是 {alpha2.name}，其 IRI 为 <{COUNTRY}{alpha2.alpha_3}>{missing_zh}。")
    if country is not None:
        return (f"{code} is the ISO code of {country.name}, which is not in the graph yet: add it as an hrc:State "
                f"(see the contributor guide), or link one of the known States closest to it: {listed}.",
                f"{code} 是 {country.name} 的 ISO 代码，该国尚未在图中：请将其添加为 hrc:State(见贡献指南)，"
                f"或链接与之最接近的已知国家：{listed}。")
    return (f"{code} is not an ISO 3166-1 alpha-3 code of a State in the graph; the closest known codes are {listed}.",
            f"{code} 不是图中任何国家的 ISO 3166-1 三位字母代码；最接近的已知代码为 {listed}。")


def closest_iri_hint(store: ox.Store, iri: str, cache: dict | None = None) -> tuple[str, str] | None:
    """For a dangling link inside id/: the existing resources of the same kind with the closest IRIs."""
    kind = ID + iri[len(ID):].split("/", 1)[0] + "/"
    candidates = _once({} if cache is None else cache, kind, lambda: [
        row["resource"].value for row in select(store, _SAME_KIND, prefix=ox.Literal(kind))])
    closest = difflib.get_close_matches(iri, candidates, n=3, cutoff=0.6)
    if not closest:
        return None
    listed = ", ".join(f"<{c}>" for c in closest)
    return (f"No resource has this IRI. Did you mean {listed}? Otherwise add the resource in the contribution.",
            f"没有资源使用此 IRI。您是否指 {listed}？否则请在贡献数据中添加该资源。")


def symbol_hint(store: ox.Store, symbol: str, cache: dict | None = None) -> tuple[str, str]:
    symbols = _once({} if cache is None else cache, "symbols", lambda: [row["symbol"].value for row in select(store, _SYMBOLS)])
    closest = difflib.get_close_matches(symbol, symbols, n=1, cutoff=0.0)
    example = closest[0] if closest else "A/HRC/35/20"
    return (f"A symbol is written as printed on the document: organ first (A/, S/ or E/), then the sub-body and numbers "
            f"separated by /, e.g. {example} (the closest symbol in the graph).",
            f"文号按文件上印刷的形式书写：机关在前(A/、S/ 或 E/)，然后是附属机构和编号，以 / 分隔，"
            f"例如 {example}(图中最接近的文号)。")
