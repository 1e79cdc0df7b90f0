"""What a file must be before it is kept with a case. Pure Python (no Django import).

Caseworkers attach scans of documents, photos of injuries, letters from authorities. An uploaded file is also
the easiest way to bring malware to a shelter's computers, so only a few kinds are accepted, recognised by their
first bytes rather than by the name or the type the browser claims; PDFs that carry active content (JavaScript,
launch actions, embedded files) are refused; and files are only ever downloaded, never shown in the browser
(see the download view). A hand-written check of four signatures is enough for an allowlist this small; a
general type-sniffing library (libmagic) would add a system dependency to recognise formats we refuse anyway.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 150


class AttachmentError(ValueError):
    """A file that cannot be kept. ``code`` and ``params`` let a page say why in its own language; the English
    message starts with "file: "."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(f"file: {message}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    signature: bytes


KINDS: tuple[Kind, ...] = (
    Kind("pdf", "PDF document", (".pdf",), b"%PDF-"),
    Kind("png", "PNG image", (".png",), b"\x89PNG\r\n\x1a\n"),
    Kind("jpeg", "JPEG photo", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
)
# PDF names that let a document run code, start programs or carry other files. /OpenAction and /AA are left
# out: ordinary PDFs use them to set the first page or zoom, and they run nothing without the names below.
# Matched as PDF names, also when written with #xx escapes, which PDF allows in names.
_ACTIVE_PDF_NAMES = ("JavaScript", "JS", "Launch", "EmbeddedFile", "RichMedia", "XFA")
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")


def detect(content: bytes) -> Kind | None:
    return next((kind for kind in KINDS if content.startswith(kind.signature)), None)


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or leading dots, at most 150 characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, extension = base.rpartition(".")
        keep = MAX_NAME_CHARS - len(dot + extension) if dot and len(extension) <= 10 else MAX_NAME_CHARS
        base = (stem[:keep] + dot + extension) if dot and len(extension) <= 10 else base[:MAX_NAME_CHARS]
    return base


def _pdf_names(content: bytes) -> set[str]:
    def decode(raw: bytes) -> str:
        return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")

    return {decode(match.group(1)) for match in _PDF_NAME.finditer(content)}


def check(name: str, content: bytes) -> tuple[str, Kind]:
    """The cleaned name and the kind of an acceptable file; AttachmentError otherwise."""
    if not content:
        raise AttachmentError("empty", "the file is empty.")
    if len(content) > MAX_BYTES:
        raise AttachmentError("too_large", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    kind = detect(content)
    if kind is None:
        raise AttachmentError(
            "kind", "only PDF documents, PNG images and JPEG photos can be kept with a case."
        )
    cleaned = clean_name(name)
    if not cleaned.lower().endswith(kind.extensions):
        extensions = " or ".join(kind.extensions)
        raise AttachmentError(
            "extension",
            f"the file is a {kind.label}, but its name does not end in {extensions}.",
            kind=kind.label,
            extensions=extensions,
        )
    if kind.code == "pdf":
        active = sorted(set(_ACTIVE_PDF_NAMES) & _pdf_names(content))
        if active:
            names = ", ".join(active)
            raise AttachmentError(
                "active_pdf",
                f"this PDF contains active content ({names}); print it to a new PDF or scan it, then attach that.",
                names=names,
            )
    return cleaned, kind
