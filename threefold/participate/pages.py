"""What every participate page shares: who may open it, saving a form through a service, charts, QR codes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.participate import access
from threefold.participate.core.results import QuestionResult
from threefold.participate.services import ParticipateError
from threefold.web import svgchart


def member(request: HttpRequest) -> Actor:
    """Caseworkers, supervisors, analysts and org admins work with consultations; other members 403."""
    actor = acting_member(request)
    if not access.may_use(actor):
        raise PermissionDenied
    return actor


def permitted(request: HttpRequest, permission: str) -> Actor:
    actor = acting_member(request)
    if not allowed(actor, permission):
        raise PermissionDenied
    return actor


def save_form(request: HttpRequest, form: Form, save: Callable[[dict[str, Any]], Any]) -> Any:
    """On a valid POST, save through the service and return what it returns; its refusal goes next to its field
    (None is returned then, and the page shows the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ParticipateError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None


def chart(title: str, result: QuestionResult, k: int, id_prefix: str) -> SafeString:
    """A bar per option: shown counts drawn, suppressed ones hatched and said to be so."""
    texts = tuple(
        str(bar.cell.value)
        if bar.cell.shown
        else (_("fewer than %(k)s") % {"k": k} if bar.cell.status == "primary" else _("hidden"))
        for bar in result.bars
    )
    markup = svgchart.bars(
        svgchart.Chart(
            title=title,
            description=_("Respondents per answer; hidden counts are not drawn. The table gives the same."),
            categories=tuple(bar.label for bar in result.bars),
            series=(
                svgchart.Series(
                    str(_("Respondents")),
                    tuple(
                        float(bar.cell.value) if bar.cell.value is not None else None for bar in result.bars
                    ),
                    texts,
                ),
            ),
            note=_("Counts under %(k)s are hidden, and others where they would give one away.") % {"k": k},
            id_prefix=id_prefix,
        ),
        rtl=get_language_bidi(),
        heading=False,
        width=340,  # drawn for a phone: wider, its text would shrink below reading size there
    )
    return mark_safe(markup)  # noqa: S308 (svgchart escapes every text it draws)


def qr_svg(url: str) -> SafeString:
    """The link as a QR code to print on a card (qrcode, already a dependency, draws it as inline SVG)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration: it is inlined in the page
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))  # noqa: S308 (qrcode output)
