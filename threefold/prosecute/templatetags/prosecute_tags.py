"""The prosecution section of a case page and the navigation link, for templates of other apps that only include
a prosecute template (protect's case page, web's base layout): reads go through ``access`` with the page's actor."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.prosecute import access
from threefold.prosecute.core import offences

register = template.Library()


@register.inclusion_tag("prosecute/_case_section.html", takes_context=True)
def prosecution_section(context: Any) -> dict[str, Any]:
    """On a case page: the case's proceedings and the survivor's own charges, for whoever may read them."""
    actor = context.get("actor")
    opened = context.get("opened")
    case = getattr(opened, "case", None)
    section = (
        access.section_for(actor, case, timezone.localdate()) if isinstance(actor, Actor) and case else None
    )
    return {"section": section, "on_case_page": True, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def prosecute_nav(context: Any) -> str:
    """Where the navigation's "Prosecute" link goes for this actor: their proceedings, or the statistics (for
    analysts and org admins, who read only those); "" for a role with neither."""
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.organisation_id is None:
        return ""
    if allowed(actor, "prosecute.view_lists"):
        return reverse("prosecute:home")
    if allowed(actor, "prosecute.view_statistics"):
        return reverse("prosecute:statistics")
    return ""


@register.filter
def offence_citation(key: str) -> str:
    found = offences.offence(key)
    return found.citation if found and found.cited else ""


@register.filter
def jurisdiction_name(code: str) -> str:
    return offences.load(code).name if offences.known(code) else code
