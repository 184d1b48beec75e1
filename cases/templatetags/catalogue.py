"""``{% load catalogue %}``: the catalogue's texts in the page's language."""

from django import template

from cases.catalogue_english import catalogue_text as _catalogue_text

register = template.Library()


@register.filter
def catalogue_text(text) -> str:
    """``{{ procedure.name|catalogue_text }}``: English on an English page (see
    ``cases.catalogue_english``); the official forms do not use it and stay Vietnamese."""
    return _catalogue_text(text)
