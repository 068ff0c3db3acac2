"""Placeholder so the app can register the blueprint while this module is being written."""

from flask import Blueprint

blueprint = Blueprint("ontology_docs", __name__)
