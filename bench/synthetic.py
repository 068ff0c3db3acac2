"""Synthetic, HRC-shaped RDF for the scale benchmarks (issue 6) and the validation benchmark (issue 5).

Run by hand, not part of the test suite:

    /tmp/cvenv/bin/python bench/synthetic.py --triples 1000000 --seed 1 --out /tmp/hrc-1m.nt.gz

Everything made here is fictional and says so: sessions are numbered 901 and up, symbols follow
(A/HRC/901/3, A/HRC/901/L.12, A/HRC/RES/901/12), dates fall in the 2900s, and every label and
text carries "synthetic" / "合成数据". The data links to the curated graph only through IRIs that
exist there (States, UN entities, mechanisms, funds, actor groups, agenda items, vocabularies),
which are read from data/ and ontology/vocabularies.ttl at start-up, so the output is the same
bytes for the same seed and the same curated graph. It is written as N-Triples (gzip when the
path ends in .gz), one document at a time, so no size needs to fit in memory.

Other benchmarks import it (bench/ is on sys.path for scripts run as `python bench/x.py`):

    write(path, triples, seed) -> int          the number of triples written
    generate(triples, seed) -> Iterator[str]   the same N-Triples, chunk by chunk
    contribution(seed, triples=200) -> str     one synthetic draft resolution as Turtle, linking
                                               only to curated resources (issue 5's benchmark)
"""

import argparse
import gzip
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ID = "https://w3id.org/hrckg/id/"
HRC = "https://w3id.org/hrckg/ontology#"
VOCAB = "https://w3id.org/hrckg/vocab/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIRST_SESSION = 901

# Predicates and fixed objects, already in N-Triples form.
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
TITLE = "<http://purl.org/dc/terms/title>"
DESCRIPTION = "<http://purl.org/dc/terms/description>"
SOURCE = "<http://purl.org/dc/terms/source>"
LANGUAGE = "<http://purl.org/dc/terms/language>"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _p(name: str) -> str:
    return f"<{HRC}{name}>"


(ACTIONS, ADDRESSEE, ADOPTED_BY, AFFECTED, AGENDA_ITEM, AGENDA_ITEM_NUMBER, APPROXIMATE, AUTHOR, BASED_ON,
 BENEFICIARY, CITATION, CITED_DOCUMENT, CITED_PARAGRAPH, CITES, CITING_PART, COUNCIL_MEMBER, COUNTRY, DATE,
 DOCUMENT_TYPE, END_DATE, END_YEAR, FOLLOW_UP, FUNDED_BY, HAS_FOOTNOTE, HAS_PART, HEADING, IMPLEMENTED_BY,
 IN_SECTION, INPUT_FROM, ISSUED_BY, LOCAL_ID, MENTIONS, OPERATIVE_VERB, PARAGRAPH_NUMBER, PARAGRAPH_TYPE,
 PART_OF, PART_OF_PROGRAMME, PARTNER, PINPOINT, POSITION, PREAMBULAR_VERB, PROPONENT, RECOMMENDING_STATE,
 REQUESTED_BY, RESOLUTION_NUMBER, RESPONSIBLE, RESULT, SDG, SESSION, SESSION_NUMBER, SESSION_OF,
 SPONSOR, SPONSORED_BY, SPONSORSHIP, START_DATE, START_YEAR, SYMBOL, TEXT, THEME, UNIT, VALUE, YEAR) = map(_p, (
    "actions", "addressee", "adoptedBy", "affectedPersons", "agendaItem", "agendaItemNumber", "approximate",
    "author", "basedOn", "beneficiary", "citation", "citedDocument", "citedParagraph", "cites", "citingPart",
    "councilMember", "country", "date", "documentType", "endDate", "endYear", "followUp", "fundedBy",
    "hasFootnote", "hasPart", "heading", "implementedBy", "inSection", "inputFrom", "issuedBy",
    "localIdentifier", "mentions", "operativeVerb", "paragraphNumber", "paragraphType", "partOf",
    "partOfProgramme", "partner", "pinpoint", "position", "preambularVerb", "proponent", "recommendingState",
    "requestedBy", "resolutionNumber", "responsibleInstitution", "result", "sdgTarget", "session",
    "sessionNumber", "sessionOf", "sponsor", "sponsoredBy", "sponsorship", "startDate", "startYear", "symbol",
    "text", "theme", "unit", "value", "year"))

(C_ACTIVITY, C_AGENDA_ITEM, C_CITATION, C_DRAFT, C_FOLLOW_UP, C_FOOTNOTE, C_OPERATIVE, C_PARAGRAPH,
 C_PREAMBULAR, C_PROGRAMME, C_RECOMMENDATION, C_REPORT, C_REPORT_PARAGRAPH, C_RESOLUTION, C_RESULT, C_SECTION,
 C_SESSION, C_SPONSOR_LIST, C_SPONSORSHIP) = map(_p, (
    "TechnicalCooperationActivity", "AgendaItem", "Citation", "DraftResolution", "FollowUp", "Footnote",
    "OperativeParagraph", "Paragraph", "PreambularParagraph", "Programme", "Recommendation", "Report",
    "ReportParagraph", "Resolution", "QuantitativeResult", "Section", "Session", "SponsorList", "Sponsorship"))

DT_REPORT, DT_DRAFT, DT_RESOLUTION = (f"<{VOCAB}document-type/{t}>" for t in ("report", "draft-resolution", "resolution"))
PT_MASTHEAD, PT_SUMMARY, PT_NUMBERED, PT_FOOTNOTE, PT_PREAMBULAR, PT_OPERATIVE, PT_SPONSOR_LIST = (
    f"<{VOCAB}paragraph-type/{t}>" for t in
    ("masthead", "summary", "numbered", "footnote", "preambular", "operative", "sponsor-list"))

# Curated IRIs the generator relies on by name; load_reference() checks that they exist.
HRC_ORGAN, OHCHR, HIGH_COMMISSIONER, UPR = (f"{ID}{p}" for p in
                                            ("org/hrc", "org/ohchr", "org/high-commissioner", "mechanism/upr"))

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _zh(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"@zh'


def _en(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"@en'


def _int(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def _typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _slug(symbol: str) -> str:
    """The document IRI's last segment, as hrcsh:DocumentIRIShape computes it from the symbol."""
    return symbol.replace("(", "").replace(")", "").replace(" ", "-").replace("/", "-")


# Fragments of the fictional paragraph texts (our own generic wording, not taken from any document).
ACTIONS_ZH = (
    "加强国家人权机构的能力", "在技术合作和能力建设方面分享良好做法", "支持执行普遍定期审议提出的建议",
    "应有关国家请求提供咨询服务和技术援助", "促进民间社会的有效参与", "改进人权数据的收集和分析",
    "加强司法系统对人权的保护", "将人权纳入国家发展计划的主流", "确保妇女和女童充分参与公共生活",
    "加强国家执行、报告和后续行动机制", "为执法人员开展人权培训", "审查国家立法以符合国际人权标准",
    "支持建立独立的监测机制", "加强条约机构报告的编写能力", "提高公众对人权的认识",
)
OUTCOMES_ZH = (
    "以便改善国家促进和保护人权的能力", "并定期报告取得的进展", "同时考虑到有关国家的优先事项",
    "并与联合国系统各相关实体协调", "以期取得可持续的成果", "并确保有关利益攸关方的参与",
)
UNITS = (("法官", "judges"), ("警察", "police officers"), ("政府官员", "government officials"),
         ("律师", "lawyers"), ("民间社会代表", "civil society representatives"), ("记者", "journalists"),
         ("监狱工作人员", "prison staff"), ("国家人权机构工作人员", "national human rights institution staff"))
SECTIONS = (("导言", "Introduction"), ("技术合作的主要领域", "Main areas of technical cooperation"),
            ("支持国家机构", "Support to national institutions"), ("与人权机制的合作", "Cooperation with human rights mechanisms"),
            ("面临的挑战", "Challenges"), ("结论和建议", "Conclusions and recommendations"))
CHINESE_NUMERALS = "一二三四五六七八九十"
MARK = "【合成数据】"


@dataclass(frozen=True)
class Reference:
    """The curated resources synthetic data may link to; each entry is (IRI, English, Chinese) or a concept (IRI, Chinese)."""

    states: tuple
    mechanisms: tuple        # every mechanism other than the UPR (which has its own reports here)
    implementers: tuple      # OHCHR and its field presences
    funds: tuple
    addressees: tuple        # actor groups, OHCHR, the High Commissioner, mechanisms
    agenda_items: tuple      # (IRI, number)
    sessions: tuple          # (IRI, number, start date or None)
    resolutions: tuple       # (IRI, symbol) of curated resolutions, for the contribution's footnotes
    themes: tuple
    affected_persons: tuple
    operative_verbs: tuple
    preambular_verbs: tuple


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """Read the curated resources from data/ and the vocabularies (about 1 s), sorted for determinism."""
    from rdflib import RDF, RDFS, Literal, URIRef
    from hrckg import graph as files

    g = files.load([files.ONTOLOGY_DIR / "vocabularies.ttl", *files.data_files()])
    H = lambda name: URIRef(HRC + name)  # noqa: E731

    def label(node, lang, prop=RDFS.label):
        values = sorted(str(v) for v in g.objects(node, prop) if isinstance(v, Literal) and v.language == lang)
        return values[0] if values else str(node).rsplit("/", 1)[-1]

    def agents(cls):
        return tuple(sorted((str(s), label(s, "en"), label(s, "zh")) for s in set(g.subjects(RDF.type, H(cls)))))

    def concepts(scheme):
        members = g.subjects(URIRef(SKOS_IN_SCHEME), URIRef(f"{VOCAB}{scheme}"))
        return tuple(sorted((str(c), label(c, "zh", URIRef(SKOS_PREF_LABEL))) for c in set(members)))

    def number(node, prop):
        value = g.value(node, H(prop))
        return int(value) if value is not None else None

    entities = {iri: (iri, en, zh) for iri, en, zh in agents("UNEntity")}
    for iri in (HRC_ORGAN, OHCHR, HIGH_COMMISSIONER):
        if iri not in entities:
            raise RuntimeError(f"the curated graph no longer has {iri}: update bench/synthetic.py")
    mechanisms = agents("HumanRightsMechanism")
    if UPR not in {m[0] for m in mechanisms}:
        raise RuntimeError(f"the curated graph no longer has {UPR}: update bench/synthetic.py")
    others = tuple(m for m in mechanisms if m[0] != UPR)
    sessions = tuple(sorted(((str(s), number(s, "sessionNumber"), g.value(s, H("startDate")))
                             for s in set(g.subjects(RDF.type, H("Session")))), key=lambda s: s[1]))
    return Reference(
        states=agents("State"),
        mechanisms=others,
        implementers=(entities[OHCHR], *agents("FieldPresence")),
        funds=agents("VoluntaryFund"),
        addressees=(*agents("ActorGroup"), entities[OHCHR], entities[HIGH_COMMISSIONER], *others),
        agenda_items=tuple(sorted(((str(s), number(s, "agendaItemNumber"))
                                   for s in set(g.subjects(RDF.type, H("AgendaItem")))), key=lambda a: a[1])),
        sessions=tuple((iri, n, start.toPython() if start is not None else None) for iri, n, start in sessions),
        resolutions=tuple(sorted((str(s), str(g.value(s, H("symbol"))))
                                 for s in set(g.subjects(RDF.type, H("Resolution"))) if g.value(s, H("symbol")))),
        themes=concepts("theme"),
        affected_persons=concepts("affected-persons"),
        operative_verbs=concepts("operative-verb"),
        preambular_verbs=concepts("preambular-verb"),
    )


@dataclass
class _Session:
    number: int
    iri: str
    start: date
    end: date
    council: frozenset       # IRIs of the States that are Council members during this session
    documents: int = 0       # report numbers used so far
    drafts: int = 0          # L. numbers used so far


@dataclass(frozen=True)
class _Citable:
    iri: str
    symbol: str
    paragraphs: int          # numbered paragraphs a pinpoint may name; 0 for none


class _Generator:
    """Makes one unit (a document with everything it states) at a time, in an endless stream of sessions.

    A unit may link to resources of units already written (commit) but never to later ones, so the
    stream can stop after any unit without leaving a dangling link. Registrations made while a unit
    is built wait in `pending` until the caller commits (writes) or discards it."""

    AGENDA_ITEMS = 8  # synthetic agenda items 901-908, described in the very first unit

    def __init__(self, seed: int, ref: Reference):
        self.rng = random.Random(seed)
        self.ref = ref
        self.citable: list[_Citable] = []       # committed reports and adopted resolutions
        self.resolutions: list[str] = []         # committed adopted resolutions (for hrc:requestedBy)
        self.recommendations: list[str] = []     # committed recommendations (for hrc:basedOn)
        self.agenda_items = [iri for iri, _ in ref.agenda_items]
        self.session: _Session | None = None     # the last session whose description was committed
        self.pending: list[tuple[list, object]] = []
        self.lines: list[str] = []

    # -- the stream --------------------------------------------------------------------------

    def units(self):
        """Endless (lines, session) units: per session a report, two UPR reports, 5-8 draft resolutions."""
        index = 0
        while True:
            session = self._new_session(index)
            yield self._technical_cooperation_report(session, first_ever=index == 0), session
            for _ in range(2):
                yield self._upr_report(session), session
            for _ in range(self.rng.randint(5, 8)):
                yield self._draft_unit(session), session
            index += 1

    def commit(self, session: "_Session") -> None:
        for target, item in self.pending:
            target.append(item)
        self.pending.clear()
        self.session = session

    def discard(self) -> None:
        self.pending.clear()

    def _begin(self) -> list[str]:
        self.lines = []
        self.counted = self.count = 0
        self.pending.clear()
        return self.lines

    def _triples(self) -> int:
        """Triples in the unit so far (an entry of `lines` may hold several)."""
        self.count += sum(entry.count("\n") for entry in self.lines[self.counted:])
        self.counted = len(self.lines)
        return self.count

    def _t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def _labels(self, s: str, en: str, zh: str) -> None:
        self.lines.append(f"{s} {LABEL} {_en(en)} .\n{s} {LABEL} {_zh(zh)} .\n")

    def _recent(self, items: list, window: int = 200):
        return items[len(items) - 1 - self.rng.randrange(min(window, len(items)))] if items else None

    def _themes(self, s: str) -> None:
        for iri, _ in self.rng.sample(self.ref.themes, self.rng.randint(1, 2)):
            self._t(s, THEME, f"<{iri}>")

    def _extras(self, s: str) -> None:
        """Affected persons and an SDG goal (the UN's own goal IRIs, 1 to 17), on some resources."""
        if self.rng.random() < 0.3:
            self._t(s, AFFECTED, f"<{self.rng.choice(self.ref.affected_persons)[0]}>")
        if self.rng.random() < 0.25:
            self._t(s, SDG, f"<http://metadata.un.org/sdg/{self.rng.randint(1, 17)}>")

    # -- sessions ----------------------------------------------------------------------------

    def _new_session(self, index: int) -> _Session:
        number = FIRST_SESSION + index
        start = date(2900 + index // 3, (3, 6, 9)[index % 3], 1)
        council = frozenset(s[0] for s in self.rng.sample(self.ref.states, round(len(self.ref.states) * 0.8)))
        return _Session(number, f"<{ID}session/hrc-{number}>", start, start + timedelta(days=20), council)

    def _describe_session(self, session: _Session, masthead: str) -> None:
        s, n = session.iri, session.number
        self._labels(s, f"Human Rights Council, synthetic session {n}", f"人权理事会第 {n} 届会议(合成数据)")
        self._t(s, A, C_SESSION)
        self._t(s, SESSION_NUMBER, _int(n))
        self._t(s, SESSION_OF, f"<{HRC_ORGAN}>")
        self._t(s, START_DATE, _typed(session.start.isoformat(), "date"))
        self._t(s, END_DATE, _typed(session.end.isoformat(), "date"))
        self._t(s, DERIVED, masthead)

    def _describe_agenda_items(self, masthead: str) -> None:
        for k in range(1, self.AGENDA_ITEMS + 1):
            number = FIRST_SESSION - 1 + k
            s = f"<{ID}agenda-item/hrc-{number}>"
            self._t(s, A, C_AGENDA_ITEM)
            self._labels(s, f"HRC synthetic agenda item {number}", f"人权理事会议程项目 {number}(合成数据)")
            self._t(s, AGENDA_ITEM_NUMBER, _int(number))
            self._t(s, SESSION_OF, f"<{HRC_ORGAN}>")
            self._t(s, DERIVED, masthead)
            self.pending.append((self.agenda_items, f"{ID}agenda-item/hrc-{number}"))

    # -- parts of documents ------------------------------------------------------------------

    def _part(self, doc: str, path: str, cls: str, ptype: str, position: int, text: str,
              en: str, zh: str, number: int | None = None) -> str:
        s = f"<{doc}/{path}>"
        self.lines.append(
            f"{s} {A} {cls} .\n{s} {LABEL} {_en(en)} .\n{s} {LABEL} {_zh(zh)} .\n"
            f"{s} {PARAGRAPH_TYPE} {ptype} .\n{s} {PART_OF} <{doc}> .\n{s} {POSITION} {_int(position)} .\n"
            f"{s} {TEXT} {_zh(text)} .\n<{doc}> {HAS_PART} {s} .\n")
        if number is not None:
            self._t(s, PARAGRAPH_NUMBER, _int(number))
        return s

    def _footnote(self, doc: str, name: str, number: int, position: int, part: str, cited: _Citable | None) -> None:
        """Footnote `number` of doc, marked in `part`, citing `cited` (with a pinpoint when it has numbered paragraphs)."""
        pinpoint = self.rng.randint(1, cited.paragraphs) if cited and cited.paragraphs else None
        where = f"，第 {pinpoint} 段" if pinpoint else ""
        text = f"{MARK}见 {cited.symbol}{where}。" if cited else f"{MARK}本段所述情况见附件。"
        fn = self._part(doc, f"fn/{number}", C_FOOTNOTE, PT_FOOTNOTE, position, text,
                        f"Synthetic {name}, footnote {number}", f"合成文件 {name} 脚注 {number}", number)
        self._t(part, HAS_FOOTNOTE, fn)
        if cited:
            self._citation(fn, cited, pinpoint, f"{name}, footnote {number}", f"{name} 脚注 {number}")

    def _citation(self, part: str, cited: _Citable, pinpoint: int | None, en: str, zh: str) -> None:
        record = f"{part[:-1]}/cites/{_slug(cited.symbol)}>"
        self._t(part, CITES, f"<{cited.iri}>")
        self._t(part, CITATION, record)
        self._t(record, A, C_CITATION)
        self._labels(record, f"Synthetic {en} cites {cited.symbol}", f"合成文件 {zh} 引用 {cited.symbol}")
        self._t(record, CITING_PART, part)
        self._t(record, CITED_DOCUMENT, f"<{cited.iri}>")
        self._t(record, DERIVED, part)
        if pinpoint:
            self._t(record, PINPOINT, _zh(f"第 {pinpoint} 段"))
            self._t(record, CITED_PARAGRAPH, _int(pinpoint))

    def _document(self, doc: str, cls: str, dtype: str, symbol: str | None, en: str, zh: str,
                  title_en: str, title_zh: str, session: str, day: date | None, agenda_item: str) -> str:
        s = f"<{doc}>"
        self._t(s, A, cls)
        self._t(s, DOCUMENT_TYPE, dtype)
        if symbol:
            self._t(s, SYMBOL, f'"{symbol}"')
        self._labels(s, en, zh)
        self.lines.append(f"{s} {TITLE} {_en(title_en)} .\n{s} {TITLE} {_zh(title_zh)} .\n")
        self._t(s, LANGUAGE, '"zh"')
        self._t(s, SESSION, session)
        self._t(s, AGENDA_ITEM, f"<{agenda_item}>")
        if day:
            self._t(s, DATE, _typed(day.isoformat(), "date"))
        return s

    def _sentence(self, opening: str) -> str:
        actions = self.rng.sample(ACTIONS_ZH, 2)
        return f"{MARK}{opening}{actions[0]}，{actions[1]}，{self.rng.choice(OUTCOMES_ZH)}"

    # -- reports -----------------------------------------------------------------------------

    def _report_header(self, session: _Session, title_en: str, title_zh: str, author: str):
        session.documents += 1
        symbol = f"A/HRC/{session.number}/{session.documents}"
        doc = f"{ID}doc/{_slug(symbol)}"
        day = session.start - timedelta(days=self.rng.randint(10, 60))
        agenda_item = self.rng.choice(self.agenda_items)
        s = self._document(doc, C_REPORT, DT_REPORT, symbol, f"{symbol} (synthetic report)",
                           f"{symbol}(合成报告)", f"Synthetic report: {title_en}", f"合成报告：{title_zh}",
                           session.iri, day, agenda_item)
        self._t(s, AUTHOR, f"<{author}>")
        masthead = self._part(doc, "masthead", C_PARAGRAPH, PT_MASTHEAD, 1,
                              f"{MARK}人权理事会\n第 {session.number} 届会议\n议程项目\n{title_zh}",
                              f"Synthetic {symbol}, masthead", f"合成文件 {symbol} 抬头")
        summary = self._part(doc, "summary/1", C_REPORT_PARAGRAPH, PT_SUMMARY, 2,
                             f"{MARK}本报告概述{title_zh}。", f"Synthetic {symbol}, summary paragraph 1",
                             f"合成文件 {symbol} 概要第 1 段")
        self._t(s, DERIVED, masthead)
        self._t(s, DERIVED, summary)
        return doc, symbol, masthead

    def _report_body(self, doc: str, symbol: str, sections: int, paragraphs, footnote_odds: float):
        """Sections of numbered paragraphs, then the footnotes; a generator the caller drives.

        It yields (number, section index, slot) for each paragraph before describing it: the caller
        puts the paragraph's text in slot[0] (and describes whatever the paragraph states).
        `paragraphs(k)` is the number of paragraphs of section k."""
        position, number, notes = 3, 0, []
        for k in range(sections):
            heading_zh, heading_en = SECTIONS[k % len(SECTIONS)]
            section = f"<{doc}/section/{k + 1}>"
            self._t(section, A, C_SECTION)
            self._labels(section, f"Synthetic {symbol}, section {k + 1}: {heading_en}",
                         f"合成文件 {symbol} 第 {k + 1} 节：{heading_zh}")
            self._t(section, HEADING, _zh(f"{CHINESE_NUMERALS[k % 10]}、{heading_zh}"))
            self._t(section, PART_OF, f"<{doc}>")
            self._t(section, POSITION, _int(position))
            self._t(f"<{doc}>", HAS_PART, section)
            position += 1
            for _ in range(paragraphs(k)):
                number += 1
                slot = [None]
                yield number, k, slot
                para = self._part(doc, f"para/{number}", C_REPORT_PARAGRAPH, PT_NUMBERED, position, slot[0],
                                  f"Synthetic {symbol}, paragraph {number}", f"合成文件 {symbol} 第 {number} 段",
                                  number)
                self._t(para, IN_SECTION, section)
                position += 1
                if self.rng.random() < footnote_odds:
                    notes.append(para)
        for footnote, para in enumerate(notes, 1):
            self._footnote(doc, symbol, footnote, position, para, self._recent(self.citable))
            position += 1

    def _technical_cooperation_report(self, session: _Session, first_ever: bool) -> list[str]:
        """OHCHR's report on technical cooperation, which opens a session (and describes it): each
        paragraph after the introduction describes an activity, sometimes starting a programme."""
        self._begin()
        rng, ref = self.rng, self.ref
        doc, symbol, masthead = self._report_header(
            session, "technical cooperation and capacity-building in the field of human rights",
            "人权领域的技术合作和能力建设", OHCHR)
        s = f"<{doc}>"
        self._describe_session(session, masthead)
        if first_ever:
            self._describe_agenda_items(masthead)
        requester = self._recent(self.resolutions)
        if requester:
            self._t(s, REQUESTED_BY, f"<{requester}>")
        for state in rng.sample(ref.states, rng.randint(0, 4)):
            self._t(s, INPUT_FROM, f"<{state[0]}>")
        self._t(s, THEME, f"<{VOCAB}theme/technical-cooperation>")
        programme = None
        body = self._report_body(doc, symbol, rng.randint(3, 5), lambda k: 2 if k == 0 else rng.randint(3, 6), 0.2)
        for number, section, slot in body:
            if section == 0:
                slot[0] = self._sentence("本报告说明人权高专办如何") + "。"
                continue
            para = f"<{doc}/para/{number}>"
            text = ""
            if programme is None and rng.random() < 0.3:
                programme, text = self._activity(session, f"{number}-programme", para, None, is_programme=True)
            slot[0] = text + self._activity(session, f"{number}", para, programme)[1]
        self.pending.append((self.citable, _Citable(doc, symbol, 0)))
        return self.lines

    def _activity(self, session: _Session, k: str, para: str, programme: str | None,
                  is_programme: bool = False) -> tuple[str, str]:
        """An activity (or programme) that paragraph `para` describes; returns its IRI and the paragraph's sentence."""
        rng, ref = self.rng, self.ref
        implementer = rng.choice(ref.implementers)
        state = rng.choice(ref.states)
        slug = f"synthetic-{session.number}-{session.documents}-{k}"
        s = f"<{ID}activity/{slug}>"
        action = rng.choice(ACTIONS_ZH)
        start = session.start.year - rng.randint(1, 4)
        end = start + rng.randint(0, 2)
        kind = ("programme", "方案") if is_programme else ("activity", "活动")
        self._t(s, A, C_PROGRAMME if is_programme else C_ACTIVITY)
        self._labels(s, f"Synthetic {kind[0]} {slug}: {implementer[1]} in {state[1]}",
                     f"合成{kind[1]} {slug}：{implementer[2]}在{state[2]}")
        self._t(s, IMPLEMENTED_BY, f"<{implementer[0]}>")
        self._t(s, BENEFICIARY, f"<{state[0]}>")
        self._t(s, COUNTRY, f"<{state[0]}>")
        self._t(s, START_YEAR, _typed(start, "gYear"))
        if rng.random() < 0.7:
            self._t(s, END_YEAR, _typed(end, "gYear"))
        if rng.random() < 0.5:
            self._t(s, PARTNER, f"<{rng.choice(ref.implementers + ref.mechanisms)[0]}>")
        if rng.random() < 0.4:
            self._t(s, FUNDED_BY, f"<{rng.choice(ref.funds)[0]}>")
        if programme:
            self._t(s, PART_OF_PROGRAMME, programme)
        self._themes(s)
        self._extras(s)
        recommendation = self._recent(self.recommendations, 500) if rng.random() < 0.5 else None
        if recommendation:
            self._t(s, BASED_ON, f"<{recommendation}>")
        if is_programme:
            text = f"{MARK}{start} 年起，{implementer[2]}在{state[2]}开展了一项方案，旨在{action}"
        else:
            text = f"{MARK}{start} 年，{implementer[2]}在{state[2]}{action}"
            for m in range(1, rng.randint(0, 2) + 1):
                text += self._result(slug, s, m, end, para)
        self.lines.append(f"{s} {DESCRIPTION} {_zh(text)} .\n{s} {DERIVED} {para} .\n")
        if not is_programme:
            self._t(para, MENTIONS, f"<{state[0]}>")
        return s, text + "。"

    def _result(self, slug: str, activity: str, m: int, year: int, para: str) -> str:
        """Quantitative result m of an activity; returns the clause that states it."""
        rng = self.rng
        unit_zh, unit_en = rng.choice(UNITS)
        value = rng.randint(10, 900)
        result = f"<{ID}activity/{slug}/result/{m}>"
        self._t(activity, RESULT, result)
        self._t(result, A, C_RESULT)
        self._labels(result, f"Synthetic result {m} of {slug}: {value} {unit_en}",
                     f"合成成果 {slug}/{m}：{value} 名{unit_zh}")
        self._t(result, VALUE, _typed(value, "integer"))
        self._t(result, UNIT, _zh(unit_zh))
        self._t(result, UNIT, _en(unit_en))
        self._t(result, YEAR, _typed(year, "gYear"))
        if rng.random() < 0.3:
            self._t(result, APPROXIMATE, _typed("true", "boolean"))
        self._t(result, DERIVED, para)
        return f"，共培训 {value} 名{unit_zh}"

    def _upr_report(self, session: _Session) -> list[str]:
        """A Working Group report on one State: every paragraph of its second section is a recommendation."""
        self._begin()
        rng, ref = self.rng, self.ref
        state = rng.choice(ref.states)
        doc, symbol, _ = self._report_header(
            session, f"report of the Working Group on the Universal Periodic Review: {state[1]}",
            f"普遍定期审议工作组报告：{state[2]}", UPR)
        self._t(f"<{doc}>", COUNTRY, f"<{state[0]}>")
        self._t(f"<{doc}>", THEME, f"<{rng.choice(ref.themes)[0]}>")
        recommenders = [x for x in ref.states if x[0] != state[0]]
        body = self._report_body(doc, symbol, 2, lambda k: 2 if k == 0 else rng.randint(8, 16), 0.05)
        for number, section, slot in body:
            if section == 0:
                slot[0] = self._sentence(f"工作组对{state[2]}进行了审议，讨论了如何")
                continue
            slot[0] = self._recommendation(doc, symbol, session, number, state, rng.choice(recommenders))
        self.pending.append((self.citable, _Citable(doc, symbol, 0)))
        return self.lines

    def _recommendation(self, doc: str, symbol: str, session: _Session, number: int, state, recommender) -> str:
        rng = self.rng
        para = f"<{doc}/para/{number}>"
        slug = f"synthetic-{session.number}-{session.documents}-{number}"
        iri = f"{ID}recommendation/{slug}"
        s = f"<{iri}>"
        text = f"{MARK}{recommender[2]}建议{state[2]}{rng.choice(ACTIONS_ZH)}，{rng.choice(OUTCOMES_ZH)}"
        self._t(s, A, C_RECOMMENDATION)
        self._labels(s, f"Synthetic UPR recommendation {slug} of {recommender[1]} to {state[1]}",
                     f"合成数据：{recommender[2]}向{state[2]}提出的普遍定期审议建议 {slug}")
        self._t(s, ISSUED_BY, f"<{UPR}>")
        self._t(s, RECOMMENDING_STATE, f"<{recommender[0]}>")
        self._t(s, ADDRESSEE, f"<{state[0]}>")
        self._t(s, COUNTRY, f"<{state[0]}>")
        self._themes(s)
        self._extras(s)
        self._t(s, TEXT, _zh(text))
        self._t(s, SOURCE, f"<{doc}>")
        self._t(s, DERIVED, para)
        self.lines.append(f"{para} {MENTIONS} <{state[0]}> .\n{para} {MENTIONS} <{recommender[0]}> .\n")
        if rng.random() < 0.25:
            follow_up = f"<{iri}/follow-up>"
            self._t(s, FOLLOW_UP, follow_up)
            self._t(follow_up, A, C_FOLLOW_UP)
            self._labels(follow_up, f"Synthetic follow-up of {slug} by {state[1]}", f"合成数据：{state[2]}对建议 {slug} 的后续行动")
            self._t(follow_up, RESPONSIBLE, f"<{state[0]}>")
            self._t(follow_up, ACTIONS, _zh(f"{MARK}{state[2]}制定了执行本建议的行动计划"))
            self._t(follow_up, DERIVED, para)
        self.pending.append((self.recommendations, iri))
        return text + "。"

    # -- draft resolutions -------------------------------------------------------------------

    def _draft_unit(self, session: _Session, budget: int | None = None) -> list[str]:
        """A draft resolution A/HRC/{n}/L.{k} of the session and, most of the time, resolution A/HRC/RES/{n}/{k}."""
        self._begin()
        rng = self.rng
        session.drafts += 1
        n, k = session.number, session.drafts
        symbol = f"A/HRC/{n}/L.{k}"
        doc = f"{ID}doc/{_slug(symbol)}"
        theme = rng.choice(self.ref.themes)
        title_en, title_zh = f"synthetic resolution {n}/{k} on {theme[0].rsplit('/', 1)[-1].replace('-', ' ')}", \
            f"关于{theme[1]}的合成决议 {n}/{k}"
        agenda_item = rng.choice(self.agenda_items)
        ops = self._draft(doc, symbol, f"Synthetic draft resolution {symbol}", f"合成决议草案 {symbol}",
                          title_en, title_zh, session.iri, session.start + timedelta(days=rng.randint(5, 18)),
                          agenda_item, session.council, self.citable, theme, budget)
        if budget is None and rng.random() < 0.9:
            adopted = f"A/HRC/RES/{n}/{k}"
            s = self._document(f"{ID}doc/{_slug(adopted)}", C_RESOLUTION, DT_RESOLUTION, adopted,
                               f"Synthetic Human Rights Council resolution {n}/{k}", f"人权理事会第 {n}/{k} 号决议(合成数据)",
                               title_en, title_zh, session.iri, session.end, agenda_item)
            self._t(s, RESOLUTION_NUMBER, f'"{n}/{k}"')
            self._t(s, ADOPTED_BY, f"<{HRC_ORGAN}>")
            self._t(s, THEME, f"<{theme[0]}>")
            self._t(s, DERIVED, f"<{doc}/masthead>")  # the draft's masthead gives the resolution number
            self.pending.append((self.citable, _Citable(f"{ID}doc/{_slug(adopted)}", adopted, ops)))
            self.pending.append((self.resolutions, f"{ID}doc/{_slug(adopted)}"))
        return self.lines

    def _draft(self, doc: str, symbol: str | None, en: str, zh: str, title_en: str, title_zh: str, session: str,
               day: date | None, agenda_item: str, council, citable, theme, budget: int | None) -> int:
        """Describe a draft resolution with sponsors, paragraphs and footnotes; returns its number of operative paragraphs.

        With a budget, sponsors, preambular paragraphs and footnotes get a share of it, and operative
        paragraphs are added until the rest is used: that many triples, give or take 7."""
        rng, ref = self.rng, self.ref
        name = symbol or doc.rsplit("/", 1)[-1].removeprefix("synthetic-")  # labels say "synthetic" already
        if budget is None:
            n_sponsors, n_pp, n_op, n_fn = rng.randint(3, 30), rng.randint(4, 12), rng.randint(5, 15), rng.randint(0, 3)
        else:  # fixed part ~45 triples; a sponsor costs 9, a preambular paragraph ~10, a footnote ~20
            rest = max(0, budget - 45)
            n_sponsors = max(1, min(len(ref.states), round(rest * 0.3 / 9)))
            n_pp, n_op = max(1, round(rest * 0.25 / 10.5)), None
            n_fn = min(len(citable), round(rest * 0.1 / 20))
        s = self._document(doc, C_DRAFT, DT_DRAFT, symbol, en, zh, title_en, title_zh, session, day, agenda_item)
        self._t(s, ADOPTED_BY, f"<{HRC_ORGAN}>")
        self._t(s, THEME, f"<{theme[0]}>")
        masthead = self._part(doc, "masthead", C_PARAGRAPH, PT_MASTHEAD, 1,
                              f"{MARK}人权理事会\n决议草案 {name}\n{title_zh}", f"Synthetic {name}, masthead",
                              f"合成文件 {name} 抬头")
        sponsors = rng.sample(ref.states, n_sponsors)
        names = "、".join(st[2] + ("" if st[0] in council else "*") for st in sponsors)
        sponsor_list = self._part(doc, "sponsors", C_SPONSOR_LIST, PT_SPONSOR_LIST, 2, f"{MARK}{names}：",
                                  f"Synthetic {name}, sponsor list", f"合成文件 {name} 提案国名单")
        self._t(s, DERIVED, masthead)
        self._t(s, DERIVED, sponsor_list)
        star = None
        if any(st[0] not in council for st in sponsors):
            star = self._part(doc, "fn/star", C_FOOTNOTE, PT_FOOTNOTE, 3, f"{MARK}非人权理事会成员国。",
                              f"Synthetic {name}, footnote *", f"合成文件 {name} 脚注 *")
            self._t(sponsor_list, HAS_FOOTNOTE, star)
        for position, (state, state_en, state_zh) in enumerate(sponsors, 1):
            member = state in council
            record = f"<{doc}/sponsorship/{state.rsplit('/', 1)[-1]}>"
            self.lines.append(
                f"{s} {SPONSORED_BY} <{state}> .\n{s} {SPONSORSHIP} {record} .\n{record} {A} {C_SPONSORSHIP} .\n"
                f"{record} {LABEL} {_en(f'{state_en} sponsors synthetic {name}')} .\n"
                f"{record} {LABEL} {_zh(f'{state_zh}为合成决议草案 {name} 的提案国')} .\n"
                f"{record} {SPONSOR} <{state}> .\n{record} {COUNCIL_MEMBER} {_typed(str(member).lower(), 'boolean')} .\n"
                f"{record} {POSITION} {_int(position)} .\n{record} {DERIVED} {sponsor_list} .\n")
            if not member:
                self._t(record, DERIVED, star)
        position, preamble = 4, []
        for i in range(1, n_pp + 1):
            verbs = rng.sample(ref.preambular_verbs, rng.choice((1, 1, 1, 2)))
            para = self._part(doc, f"pp/{i}", C_PREAMBULAR, PT_PREAMBULAR, position,
                              self._sentence(verbs[0][1]) + "，", f"Synthetic {name}, preambular paragraph {i}",
                              f"合成文件 {name} 序言部分第 {i} 段")
            for verb, _ in verbs:
                self._t(para, PREAMBULAR_VERB, f"<{verb}>")
            preamble.append(para)
            position += 1
        # Footnotes cite earlier documents from the preamble (as "Recalling its resolution ..." does)
        # and come before the operative part, which can then grow until the budget is used.
        for number, cited in enumerate(rng.sample(citable[-200:], min(n_fn, len(citable[-200:]))), 1):
            self._footnote(doc, name, number, position, rng.choice(preamble), cited)
            position += 1
        op_parts, i = [], 0
        while True:
            i += 1
            if i > (n_op or i) or (n_op is None and i > 1 and self._triples() + 7 > budget):
                break
            verbs = rng.sample(ref.operative_verbs, rng.choice((1, 1, 1, 2)))
            addressees = rng.sample(ref.addressees, rng.choice((0, 1, 1, 2, 3)))
            if rng.random() < 0.15:
                addressees.append(rng.choice(ref.states))
            opening = verbs[0][1] + "、".join(a[2] for a in addressees)
            para = self._part(doc, f"op/{i}", C_OPERATIVE, PT_OPERATIVE, position,
                              self._sentence(opening) + "；",
                              f"Synthetic {name}, operative paragraph {i}", f"合成文件 {name} 执行部分第 {i} 段", i)
            self._t(para, PROPONENT, f"<{HRC_ORGAN}>")
            for verb, _ in verbs:
                self._t(para, OPERATIVE_VERB, f"<{verb}>")
            for addressee in addressees:
                self._t(para, ADDRESSEE, f"<{addressee[0]}>")
            if rng.random() < 0.2:
                self._t(para, THEME, f"<{theme[0]}>")
            op_parts.append(para)
            position += 1
        return len(op_parts)


def generate(triples: int, seed: int):
    """N-Triples for about `triples` triples, in chunks of whole units (a document and what it
    states). When the next unit would overshoot, a smaller draft resolution sized to what is left
    ends the stream (unless fewer than 60 are left): the total is within 60 triples of the target,
    once the target exceeds the first unit (a few hundred triples), which is always written whole."""
    gen = _Generator(seed, load_reference())
    written = 0
    for lines, session in gen.units():
        chunk = "".join(lines)
        count = chunk.count("\n")
        if written and written + count > triples:
            gen.discard()
            break
        yield chunk
        written += count
        gen.commit(session)
        if written >= triples:
            return
    if triples - written >= 60:
        yield "".join(gen._draft_unit(gen.session, budget=triples - written))


def write(path, triples: int, seed: int, compresslevel: int = 6) -> int:
    """Write about `triples` synthetic triples to path (gzip if it ends in .gz); returns how many."""
    path = Path(path)
    count = 0
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the gzip header: the same seed gives the same bytes.
        out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=compresslevel) \
            if path.suffix == ".gz" else raw
        buffer, size = [], 0
        for chunk in generate(triples, seed):
            count += chunk.count("\n")
            buffer.append(chunk)
            size += len(chunk)
            if size > 1 << 20:
                out.write("".join(buffer).encode("utf-8"))
                buffer, size = [], 0
        out.write("".join(buffer).encode("utf-8"))
        if out is not raw:
            out.close()
    return count


def contribution(seed: int, triples: int = 200) -> str:
    """One new synthetic draft resolution as Turtle (about `triples` triples), with sponsors,
    paragraphs and footnotes, that links only to curated States, sessions, agenda items,
    resolutions, actors and vocabularies; it conforms when validated merged with the curated graph."""
    from rdflib import Graph

    ref = load_reference()
    gen = _Generator(seed, ref)
    gen._begin()
    rng = gen.rng
    dated = [s for s in ref.sessions if s[2] is not None]
    session_iri, session_number, start = rng.choice(dated or ref.sessions)
    local_id = f"synthetic-contribution-{seed}"
    theme = rng.choice(ref.themes)
    council = frozenset(s[0] for s in rng.sample(ref.states, round(len(ref.states) * 0.8)))
    citable = [_Citable(iri, symbol, 0) for iri, symbol in ref.resolutions]
    gen._draft(f"{ID}doc/{local_id}", None, f"Synthetic draft resolution (contribution {seed})",
               f"合成决议草案(贡献 {seed})", f"synthetic contribution {seed}", f"合成贡献 {seed}",
               f"<{session_iri}>", start, rng.choice(ref.agenda_items)[0], council, citable, theme, triples)
    gen._t(f"<{ID}doc/{local_id}>", LOCAL_ID, f'"{local_id}"')
    graph = Graph()
    graph.parse(data="".join(gen.lines), format="nt")
    graph.bind("hrc", HRC)
    graph.bind("id", ID)
    header = (f"# Synthetic contribution (fictional test data, seed {seed}, session {session_number}): "
              "made by bench/synthetic.py for benchmarks.\n")
    return header + graph.serialize(format="turtle")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic HRC-shaped N-Triples for benchmarks.")
    parser.add_argument("--triples", type=int, required=True, help="how many triples (the total is within 60 of it)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument("--out", required=True, help="output file: .nt, or .nt.gz for gzip")
    parser.add_argument("--level", type=int, default=6, help="gzip compression level (default 6)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = write(args.out, args.triples, args.seed, args.level)
    seconds = time.perf_counter() - started
    print(f"{count} triples written to {args.out} in {seconds:.2f} s ({count / seconds:,.0f} triples/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
