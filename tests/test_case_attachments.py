"""Files kept with a case: only a few kinds, recognised by their bytes; active PDFs refused; sealed at rest;
downloaded, never shown inline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import MakeMember
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.protect import attachments, case_access, case_services
from threefold.protect.attachment_views import refusal
from threefold.protect.attachments import AttachmentError
from threefold.protect.models import Case, CaseAttachment, Person

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("letter.pdf", PDF, "pdf"),
        ("wound.PNG", PNG, "png"),
        ("photo.jpeg", JPEG, "jpeg"),
        ("id.jpg", JPEG, "jpeg"),
    ],
)
def test_the_allowed_kinds_are_recognised_by_their_bytes(name: str, content: bytes, kind: str) -> None:
    assert attachments.check(name, content)[1].code == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "empty"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "only PDF documents"),
        ("invoice.pdf", b"PK\x03\x04 a zip pretending", "only PDF documents"),
        ("letter.png", PDF, "is a PDF document, but its name does not end in .pdf"),
        ("photo.pdf.exe", JPEG, "does not end in .jpg or .jpeg"),
        ("big.pdf", b"%PDF-" + b"0" * attachments.MAX_BYTES, "larger than 10 MB"),
        (
            "macro.pdf",
            PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "JavaScript",
        ),
        (
            "hidden.pdf",
            PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /J#61vaScript >>"),
            "JavaScript",
        ),
        ("launch.pdf", PDF.replace(b"/Catalog", b"/Catalog /AA << /O << /S /Launch >> >>"), "Launch"),
    ],
)
def test_other_files_are_refused_saying_why(name: str, content: bytes, message: str) -> None:
    with pytest.raises(AttachmentError, match=message) as refused:
        attachments.check(name, content)
    # Every refusal has its sentence in the page's language, with the same facts in it.
    with translation.override("fr"):
        assert refusal(refused.value) != str(refused.value)
        for value in refused.value.params.values():
            assert str(value) in refusal(refused.value)


def test_an_ordinary_open_action_is_not_active_content() -> None:
    # Word and scanners write /OpenAction to set the first page and zoom; refusing that would refuse most PDFs.
    assert attachments.check("scan.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction [3 0 R /Fit]"))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("bell\x07name.pdf", "bellname.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_names_lose_folders_control_characters_and_excess(raw: str, clean: str) -> None:
    assert attachments.clean_name(raw) == clean


@pytest.fixture
def case(
    org: Organisation, make_member: MakeMember, make_person: Callable[..., Person]
) -> tuple[Actor, Case]:
    caseworker = make_member(org, Role.CASEWORKER)
    return caseworker, case_services.open_case(
        caseworker, make_person(caseworker), reason="Referred by outreach"
    )


@pytest.mark.django_db
def test_a_file_is_uploaded_sealed_and_downloaded_as_an_attachment(
    case: tuple[Actor, Case], client_for: Callable[[Actor], Client]
) -> None:
    caseworker, opened_case = case
    client = client_for(caseworker)
    page = reverse("protect:case", args=[opened_case.reference])
    upload = SimpleUploadedFile(
        "Olga passport.pdf", PDF, content_type="text/html"
    )  # the claimed type is ignored
    assert (
        client.post(reverse("protect:attach", args=[opened_case.reference]), {"file": upload}).status_code
        == 302
    )
    attachment = CaseAttachment.objects.get()
    assert (attachment.kind, attachment.size) == ("pdf", len(PDF))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, content FROM protect_caseattachment WHERE id = %s", [attachment.pk])
        raw_name, raw_content = (bytes(v) for v in cursor.fetchone())
    assert b"passport" not in raw_name
    assert b"/Catalog" not in raw_content
    assert "Olga passport.pdf" in client.get(page).content.decode()

    response = client.get(reverse("protect:attachment", args=[opened_case.reference, attachment.uid]))
    assert response.content == PDF
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith('attachment; filename="Olga passport.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_refused_file_changes_nothing_and_says_why(
    case: tuple[Actor, Case], client_for: Callable[[Actor], Client]
) -> None:
    caseworker, opened_case = case
    client = client_for(caseworker)
    upload = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        reverse("protect:attach", args=[opened_case.reference]), {"file": upload}, follow=True
    )
    assert "Only PDF documents, PNG images and JPEG photos can be kept" in response.content.decode()
    assert not CaseAttachment.objects.exists()


@pytest.mark.django_db
def test_the_file_is_in_the_persons_data_export(case: tuple[Actor, Case]) -> None:
    from threefold.protect import subject_data

    caseworker, opened_case = case
    case_services.attach_file(caseworker, opened_case, "letter.pdf", PDF)
    exported = subject_data.export_attachments(opened_case.person)
    assert [(item["name"], item["size"]) for item in exported] == [("letter.pdf", len(PDF))]
    assert case_access.attachment_contents(CaseAttachment.objects.get()) == ("letter.pdf", PDF)
