"""Formatting in the Vietnamese way (18.400; 97,25%) and links to the dossiers behind a number."""

from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from reports.indicators import SCOPES

register = template.Library()


@register.filter
def vn_int(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def vn_pct(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".replace(".", ",") + "%"


@register.filter
def vn_dec(value) -> str:
    if value is None:
        return "—"
    return str(value).replace(".", ",")


@register.simple_tag
def drill(period, cell, dimension=None, key=None, scope=None) -> str:
    """URL of the drill-down list for one cell (and one row of a split table)."""
    params = {"o": cell}
    if dimension:
        params["theo"] = dimension
        params["k"] = "none" if key is None else key
    if scope in SCOPES:
        params["chi_so"] = scope
    return _period_url(period) + urlencode(params)


@lru_cache(maxsize=64)
def _period_url(period) -> str:
    """The list's address with the period's part of the query, encoded once per period: a
    dashboard links a few hundred cells of the same period."""
    return _dossiers_url() + "?" + urlencode(period.as_query()) + "&"


@lru_cache(maxsize=1)
def _dossiers_url() -> str:
    return reverse("reports:dossiers")


@register.simple_tag
def period_url(name, period, **extra) -> str:
    params = {**period.as_query(), **{k: v for k, v in extra.items() if v}}
    return reverse(name) + "?" + urlencode(params)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
