"""Placeholder so the app can register the blueprint while this module is being written."""

from flask import Blueprint

blueprint = Blueprint("search", __name__)
