"""Where the project's RDF lives on disk, and loading it into rdflib graphs with readable errors.

rdflib is imported only by the functions that parse: `hrckg load` and `hrckg serve` need the
paths but not rdflib, whose import alone takes 0.2 s."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"

FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".jsonld": "json-ld", ".nq": "nquads", ".rdf": "xml"}


class LoadError(Exception):
    """A file could not be read as RDF; carries the file, line and column when the parser gives them."""

    def __init__(self, path, message, line=None, column=None):
        self.path, self.message, self.line, self.column = str(path), message, line, column
        where = self.path + (f":{line}" if line else "") + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


def ontology_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


def data_files() -> list[Path]:
    return sorted(DATA_DIR.rglob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))


def _format_for(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise LoadError(path, f"unsupported file type {path.suffix!r}; use one of {', '.join(FORMATS)}") from None


def parse_into(graph: Graph, path: Path) -> Graph:
    """Parse one file into graph, turning parser exceptions into a LoadError with line and column."""
    from rdflib.exceptions import ParserError
    from rdflib.plugins.parsers.notation3 import BadSyntax

    path = Path(path)
    rdf_format = _format_for(path)
    try:
        data = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as err:  # permission denied, a directory...
        raise LoadError(path, err.strerror or str(err)) from None
    except UnicodeDecodeError as err:
        raise LoadError(path, f"not UTF-8 (byte {err.start})") from None
    try:
        graph.parse(data=data, format=rdf_format, publicID=path.resolve().as_uri())
    except BadSyntax as err:
        line, column, why = _syntax_position(err)
        raise LoadError(path, f"bad syntax: {why}", line, column) from None
    except (ParserError, SyntaxError, ValueError) as err:
        raise LoadError(path, f"could not parse: {err}") from None
    return graph


def _syntax_position(err) -> tuple[int, int, str]:
    """Line, column and reason of a Turtle syntax error (rdflib keeps them in private attributes)."""
    text = err._str.decode("utf-8", "replace") if isinstance(err._str, bytes) else err._str
    return err.lines + 1, err._i - text.rfind("\n", 0, err._i), err._why


def load(paths) -> Graph:
    """Merge the given files into one graph; a directory stands for every RDF file inside it."""
    from rdflib import Graph

    graph = Graph()
    for path in map(Path, paths):
        members = sorted(p for p in path.rglob("*") if p.suffix.lower() in FORMATS) if path.is_dir() else [path]
        for member in members:
            parse_into(graph, member)
    return graph


def curated_graph(include_ontology: bool = True) -> Graph:
    """The ontology, vocabularies and all data: what the endpoint serves."""
    return load((ontology_files() if include_ontology else []) + data_files())


def shapes_graph() -> Graph:
    return load(shapes_files())


@dataclass(frozen=True)
class Source:
    """One file of the curated graph and the named graph it is served in."""

    path: Path
    graph_iri: str


def sources() -> list[Source]:
    """Every file of ontology/, data/ and shapes/ with a named-graph IRI derived from its path."""
    from .identifiers import BASE

    result = []
    for path in ontology_files() + data_files() + shapes_files():
        rel = path.relative_to(ROOT).with_suffix("").as_posix()
        result.append(Source(path, f"{BASE}graph/{rel}"))
    return result

