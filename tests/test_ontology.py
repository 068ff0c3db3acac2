"""Ontology quality: every term labelled and defined in both languages, typed properties, no stray terms."""

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from hrckg import graph as files
from hrckg.identifiers import ONTOLOGY, VOCAB
from hrckg.namespaces import HRC

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {t for kind in TERM_KINDS for t in ontology.subjects(RDF.type, kind) if str(t).startswith(ONTOLOGY)}


def languages(graph: Graph, subject, predicate) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_one_ontology_with_version_and_licence(ontology):
    ontologies = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef("https://w3id.org/hrckg/ontology")]
    assert ontology.value(ontologies[0], OWL.versionIRI) is not None
    assert ontology.value(ontologies[0], URIRef("http://purl.org/dc/terms/license")) is not None


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_english_and_chinese(ontology, predicate):
    missing = {str(t): sorted({"en", "zh"} - languages(ontology, t, predicate))
               for t in declared_terms(ontology) if {"en", "zh"} - languages(ontology, t, predicate)}
    assert missing == {}


def test_every_property_has_domain_and_range(ontology):
    properties = [t for kind in TERM_KINDS[1:] for t in ontology.subjects(RDF.type, kind)]
    incomplete = sorted(str(p) for p in properties
                        if ontology.value(p, RDFS.domain) is None or ontology.value(p, RDFS.range) is None)
    assert incomplete == []


def test_every_concept_labelled_in_its_scheme(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 60
    problems = {str(c) for c in concepts
                if {"en", "zh"} - languages(ontology, c, SKOS.prefLabel)
                or {"en", "zh"} - languages(ontology, c, SKOS.definition)
                or ontology.value(c, SKOS.inScheme) is None}
    assert problems == set()


def test_closed_namespace_matches_ontology(ontology):
    in_python = {URIRef(ONTOLOGY + name) for name in HRC.__annotations__}
    assert in_python == declared_terms(ontology)
    with pytest.raises(AttributeError):
        HRC.NoSuchTerm


def _used_terms(graph: Graph, namespace: str) -> set[URIRef]:
    return {term for triple in graph for term in triple
            if isinstance(term, URIRef) and str(term).startswith(namespace)}


@pytest.mark.parametrize("folder", ["data", "shapes"])
def test_no_undeclared_ontology_terms(ontology, folder):
    paths = files.data_files() if folder == "data" else files.shapes_files()
    used = _used_terms(files.load(paths), ONTOLOGY)
    assert used - declared_terms(ontology) == set()


def test_no_unknown_vocabulary_concepts(ontology):
    used = _used_terms(files.load(files.data_files()), VOCAB)
    known = set(ontology.subjects(RDF.type, SKOS.Concept)) | set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert used - known == set()


def test_reuses_standard_vocabularies(ontology):
    """Sub-classing and sub-properties tie our terms to ELI, DC terms, ORG and PROV-O."""
    parents = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in ontology.objects(None, p)}
    for namespace in ("http://data.europa.eu/eli/ontology#", "http://purl.org/dc/terms/",
                      "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#"):
        assert any(parent.startswith(namespace) for parent in parents), namespace


def test_symbols_of_terms_are_well_formed(ontology):
    for term in declared_terms(ontology):
        name = str(term)[len(ONTOLOGY):]
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name), name
