"""Files kept with a case: upload from the case page, download as a file that the browser never opens itself."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from threefold.accounts.middleware import acting_member
from threefold.accounts.rules import allowed
from threefold.protect import attachments, case_access, case_services


@require_POST
def upload(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_member(request)
    opened = case_access.open_case(actor, reference, purpose="attach a file")
    if not allowed(actor, "protect.change_case", opened.case):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    elif upload.size is not None and upload.size > attachments.MAX_BYTES:
        # Refused before reading it: the size the upload announces is enough to say no.
        messages.error(request, _("The file is larger than 10 MB."))
    else:
        try:
            case_services.attach_file(actor, opened.case, upload.name or "", upload.read())
        except attachments.AttachmentError as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, _("File attached."))
    return redirect("protect:case", reference=reference)


@require_GET
def download(request: HttpRequest, reference: str, uid: str) -> HttpResponse:
    actor = acting_member(request)
    _attachment, name, content = case_access.open_attachment(actor, reference, uid)
    # Never rendered by the browser: a generic type, "attachment", no sniffing, and a sandbox if it were.
    response = HttpResponse(content, content_type="application/octet-stream")
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_rfc5987(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response


def refusal(error: attachments.AttachmentError) -> str:
    """Why a file was refused, in the page's language (the pure check has no gettext)."""
    texts = {
        "empty": _("The file is empty."),
        "too_large": _("The file is larger than 10 MB."),
        "kind": _("Only PDF documents, PNG images and JPEG photos can be kept with a case."),
        "extension": _("The file is a %(kind)s, but its name does not end in %(extensions)s."),
        "active_pdf": _(
            "This PDF contains active content (%(names)s). Print it to a new PDF or scan it, then attach that."
        ),
    }
    return texts[error.code] % error.params


def _rfc5987(name: str) -> str:
    return quote(name, safe="")
