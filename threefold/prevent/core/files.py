"""What an uploaded material really is, from its first bytes (never from its name or the browser's word)."""

from __future__ import annotations

MAX_MATERIAL_BYTES = 10 * 1024 * 1024

# (magic bytes, content type, extension): the only kinds the library accepts.
_KINDS = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with ``head``, or None when it is not an accepted kind."""
    for magic, content_type, extension in _KINDS:
        if head.startswith(magic):
            return content_type, extension
    return None


def safe_download_name(title: str, language: str, extension: str) -> str:
    """A file name for the download: the title's letters and digits, the language, the sniffed extension."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in title).strip("-")[:60] or "material"
    while "--" in stem:
        stem = stem.replace("--", "-")
    return f"{stem}-{language}.{extension}" if language else f"{stem}.{extension}"
