"""Namespaces used across the project.

HRC is a closed namespace: a term missing from ontology/hrckg.ttl raises AttributeError, and a
test keeps this list equal to the ontology's declarations."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace, OWL, RDF

from . import identifiers

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ID = Namespace(identifiers.ID)
VOCAB = Namespace(identifiers.VOCAB)

PREFIXES = {
    "hrc": identifiers.ONTOLOGY, "id": identifiers.ID, "vocab": identifiers.VOCAB,
    "eli": str(ELI), "org": str(ORG), "prov": str(PROV), "cito": str(CITO), "fabio": str(FABIO),
    "dcterms": "http://purl.org/dc/terms/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": str(RDF), "owl": str(OWL),
    "xsd": "http://www.w3.org/2001/XMLSchema#", "sh": str(SH), "foaf": "http://xmlns.com/foaf/0.1/",
    "hrcsh": identifiers.BASE + "shapes#",
}


class HRC(DefinedNamespace):
    """Terms of the hrckg ontology (https://w3id.org/hrckg/ontology#)."""

    _NS = Namespace(identifiers.ONTOLOGY)
    _fail = True

    # classes
    ActorGroup: URIRef
    AgendaItem: URIRef
    BoardOfTrustees: URIRef
    Citation: URIRef
    Contribution: URIRef
    CivilSocietyOrganisation: URIRef
    Declaration: URIRef
    Document: URIRef
    DonorAgency: URIRef
    DraftResolution: URIRef
    FieldPresence: URIRef
    FollowUp: URIRef
    Footnote: URIRef
    HumanRightsMechanism: URIRef
    InternationalOrganisation: URIRef
    Meeting: URIRef
    NationalHumanRightsInstitution: URIRef
    NationalInstitution: URIRef
    NationalInstrument: URIRef
    OperativeParagraph: URIRef
    Organisation: URIRef
    Paragraph: URIRef
    PeaceMission: URIRef
    Place: URIRef
    PreambularParagraph: URIRef
    Programme: URIRef
    Publication: URIRef
    QuantitativeResult: URIRef
    Recommendation: URIRef
    RegionalOrganisation: URIRef
    Report: URIRef
    ReportParagraph: URIRef
    Resolution: URIRef
    Section: URIRef
    Session: URIRef
    SponsorList: URIRef
    Sponsorship: URIRef
    State: URIRef
    Statement: URIRef
    TechnicalCooperationActivity: URIRef
    Territory: URIRef
    Treaty: URIRef
    UNEntity: URIRef
    VoluntaryFund: URIRef

    # properties
    inputFrom: URIRef
    actions: URIRef
    addressee: URIRef
    administeredBy: URIRef
    adoptedBy: URIRef
    affectedPersons: URIRef
    agendaItem: URIRef
    agendaItemNumber: URIRef
    approximate: URIRef
    author: URIRef
    basedOn: URIRef
    beneficiary: URIRef
    board: URIRef
    citation: URIRef
    citedDocument: URIRef
    citedParagraph: URIRef
    cites: URIRef
    citingPart: URIRef
    councilMember: URIRef
    country: URIRef
    date: URIRef
    documentType: URIRef
    endDate: URIRef
    endYear: URIRef
    followUp: URIRef
    fundedBy: URIRef
    hasFootnote: URIRef
    hasPart: URIRef
    heading: URIRef
    implementedBy: URIRef
    inSection: URIRef
    isoAlpha2: URIRef
    isoAlpha3: URIRef
    isoNumeric: URIRef
    queryTimeout: URIRef
    resultRowLimit: URIRef
    responseByteLimit: URIRef
    requestByteLimit: URIRef
    federatedEndpointPrefix: URIRef
    fileName: URIRef
    sha256: URIRef
    issuedBy: URIRef
    localIdentifier: URIRef
    locatedIn: URIRef
    mechanismType: URIRef
    mentions: URIRef
    operativeVerb: URIRef
    output: URIRef
    paragraphNumber: URIRef
    paragraphType: URIRef
    partOf: URIRef
    partOfProgramme: URIRef
    partner: URIRef
    pinpoint: URIRef
    position: URIRef
    preambularVerb: URIRef
    proponent: URIRef
    recommendingState: URIRef
    requestedBy: URIRef
    resolutionNumber: URIRef
    responsibleInstitution: URIRef
    result: URIRef
    sdgTarget: URIRef
    session: URIRef
    sessionNumber: URIRef
    sessionOf: URIRef
    sponsor: URIRef
    sponsoredBy: URIRef
    sponsorship: URIRef
    startDate: URIRef
    startYear: URIRef
    stateOf: URIRef
    status: URIRef
    subsectionOf: URIRef
    symbol: URIRef
    text: URIRef
    theme: URIRef
    unit: URIRef
    value: URIRef
    year: URIRef
