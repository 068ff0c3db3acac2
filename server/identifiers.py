"""IRIs of the graph: one place that says how every resource is named."""

import re

BASE = "https://w3id.org/hrckg/"
ID = BASE + "id/"
ONTOLOGY = BASE + "ontology#"
VOCAB = BASE + "vocab/"

SYMBOL_PATTERN = re.compile(r"^(A|S|E)(/[A-Z0-9.]+)*/[0-9]+[A-Za-z0-9./ ()-]*$")


def symbol_slug(symbol: str) -> str:
    """Normalise a UN document symbol into an IRI path segment: A/HRC/RES/33/28 -> A-HRC-RES-33-28."""
    slug = re.sub(r"[()]", "", symbol.strip())
    slug = re.sub(r"[/\s]+", "-", slug)
    return re.sub(r"-+", "-", slug).strip("-")


def document_iri(symbol_or_local_id: str) -> str:
    return f"{ID}doc/{symbol_slug(symbol_or_local_id)}"
