"""Parse the two source texts (UN documents as plain text) into paragraphs, footnotes and headings.

The texts are PDF extractions: lines are wrapped mid-sentence, page headers and footnote blocks
interrupt paragraphs, and footnote markers are bare digits after the word they annotate. The
parsers undo that, and fail loudly if the numbering they find is not complete and in order.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from .graph import DATA_DIR

REPORT_FILE = DATA_DIR / "sources" / "000_b8f874ab5858544a.txt"
DRAFT_FILE = DATA_DIR / "sources" / "003_c71d2f1be5478d02.txt"

PAGE_FURNITURE = re.compile(r"^\s*(A/HRC/35/20|GE\.\d\d-\d+ \d+)\s*$")
PARAGRAPH_START = re.compile(r"^\s*(\d+)\.\s\s+(.*)$")
OPERATIVE_START = re.compile(r"^\s*(\d+)\.\s+(.*)$")
BARE_NUMBER = re.compile(r"^\s*(\d+)\s*$")
DRAFT_FOOTNOTE = re.compile(r"^\s+(\d+|\*)\s+(\S.*)$")
TRAILING_MARKER = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef”’)])(\d{1,2})\s*$")
HEADING_NUMBER = re.compile(r"^(?:([一二三四五六七八九十]+)|([A-Z])|(\d+))\.\s*")
PARAGRAPH_END = ("。", "；", "：", "，")


@dataclass
class Part:
    """A paragraph, footnote, heading or list, with its lines joined and footnote markers removed."""

    kind: str                  # masthead | summary | numbered | footnote | heading | sponsors | preambular | operative
    number: str | None         # as printed; None for unnumbered parts
    lines: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.kind == "masthead":            # separate lines (organ, session, dates...) stay separate
            return "\n".join(line.strip() for line in self.lines)
        return join_lines(self.lines)

    @property
    def level(self) -> int:
        """Heading depth: 1 for 一., 2 for A., 3 for 1., 4 for an unnumbered example heading."""
        match = HEADING_NUMBER.match(self.text)
        if not match:
            return 4
        return next(level for level, group in enumerate(match.groups(), start=1) if group)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: nothing between Chinese characters, one space between Latin words."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and re.match(r"[A-Za-z0-9(]", line[0]) and re.search(r"[A-Za-z0-9,.)]$", text):
            text += " "
        text += line
    return text


def _content_lines(path: Path) -> list[str]:
    return [line.rstrip() for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip() and not PAGE_FURNITURE.match(line)]


class _Markers:
    """Footnote markers run 1, 2, 3... in reading order: only the next number is taken as a marker."""

    def __init__(self):
        self.next = 1

    def take(self, line: str) -> tuple[str, str | None]:
        match = TRAILING_MARKER.search(line)
        if match and int(match.group(1)) == self.next:
            self.next += 1
            return line[: match.start()], match.group(1)
        return line, None


def _is_heading(lines: list[str], i: int) -> bool:
    """Indented, not ending a sentence, and followed by a paragraph (maybe after a wrapped line or another heading)."""
    line = lines[i]
    if not line.startswith(" ") or line.strip().endswith("。") or PARAGRAPH_START.match(line):
        return False
    rest = lines[i + 1: i + 3]
    if not rest:
        return False
    if PARAGRAPH_START.match(rest[0]) or _is_heading(lines, i + 1):
        return True
    wrapped = not rest[0].startswith(" ") and len(rest[0].strip()) <= 12
    return wrapped and len(rest) > 1 and bool(PARAGRAPH_START.match(rest[1]))


def parse_report(path: Path = REPORT_FILE) -> list[Part]:
    """Summary paragraphs, numbered paragraphs, footnotes and headings of A/HRC/35/20, in reading order."""
    lines = _content_lines(path)
    start = next(i for i, line in enumerate(lines) if line.strip() == "概要") + 1
    parts: list[Part] = [Part("masthead", None, lines[: start - 1])]
    markers = _Markers()
    current: Part | None = None
    footnote: Part | None = None
    next_paragraph = 1
    for i in range(start, len(lines)):
        line = lines[i]
        if footnote is not None:                       # a footnote block runs to its full stop
            footnote.lines.append(line)
            if line.strip().endswith(("。", ".")):
                footnote = None
            continue
        bare = BARE_NUMBER.match(line)
        if bare:
            if int(bare.group(1)) == markers.next:     # a marker alone on its line
                current.footnotes.append(bare.group(1))
                markers.next += 1
            else:                                      # the number opening a footnote block
                footnote = Part("footnote", bare.group(1))
                parts.append(footnote)
            continue
        opening = PARAGRAPH_START.match(line)
        if opening and int(opening.group(1)) == next_paragraph:
            current = Part("numbered", opening.group(1))
            parts.append(current)
            next_paragraph += 1
            line = opening.group(2)
        elif _is_heading(lines, i) and (current is None or current.kind == "heading" or current.text.endswith(PARAGRAPH_END)):
            current = Part("heading", None)
            parts.append(current)
        elif next_paragraph == 1 and line.startswith(" ") and (current is None or current.text.endswith("。")):
            current = Part("summary", str(sum(p.kind == "summary" for p in parts) + 1))
            parts.append(current)
        line, marker = markers.take(line)
        current.lines.append(line)
        if marker:
            current.footnotes.append(marker)
    _check_numbering(parts, "numbered", 80)
    _check_numbering(parts, "footnote", 23)
    return parts


def parse_draft(path: Path = DRAFT_FILE) -> list[Part]:
    """Sponsor list, preambular and operative paragraphs and footnotes of the HRC 51 draft, in reading order."""
    lines = _content_lines(path)
    markers = _Markers()
    sponsors = Part("sponsors", None)
    i = next(i for i, line in enumerate(lines) if "*" in line)
    parts: list[Part] = [Part("masthead", None, lines[:i] + lines[i + 4: i + 6])]
    while lines[i].strip() != "决议草案":
        sponsors.lines.append(lines[i])
        i += 1
    parts.append(sponsors)
    i = next(j for j in range(i, len(lines)) if lines[j].strip() == "人权理事会，") + 1
    current: Part | None = None
    next_operative = 1
    preambular = 0
    for line in lines[i:]:
        note = DRAFT_FOOTNOTE.match(line)
        if note and not OPERATIVE_START.match(line):
            parts.append(Part("footnote", note.group(1), [note.group(2)]))
            continue
        opening = OPERATIVE_START.match(line)
        if opening and int(opening.group(1)) == next_operative:
            current = Part("operative", opening.group(1))
            parts.append(current)
            next_operative += 1
            line = opening.group(2)
        elif next_operative == 1 and line.startswith(" ") and (current is None or current.text.endswith(PARAGRAPH_END)):
            preambular += 1
            current = Part("preambular", str(preambular))
            parts.append(current)
        line, marker = markers.take(line)
        current.lines.append(line)
        if marker:
            current.footnotes.append(marker)
    _check_numbering(parts, "operative", 14)
    _check_numbering([p for p in parts if p.number != "*"], "footnote", 2)
    return parts


def _check_numbering(parts: list[Part], kind: str, expected: int) -> None:
    numbers = [int(p.number) for p in parts if p.kind == kind]
    if numbers != list(range(1, expected + 1)):
        raise ValueError(f"{kind} parts numbered {numbers}, expected 1..{expected}")
