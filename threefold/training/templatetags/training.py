"""Filters of the training pages: rates as percentages and changes as signed percentage points."""

from __future__ import annotations

from django import template

from threefold.training import charts

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    return charts.percent(rate)


@register.filter
def points(change: float | None) -> str:
    return charts.points(change)
