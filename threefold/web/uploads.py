"""A size limit on uploads that acts while the body streams in, for the pages that take a file.

Django reads a POST body (and writes its files out) the first time anything asks for ``request.POST``, which
the CSRF middleware does before the view. A view that limits its uploads is therefore ``csrf_exempt`` only so
that ``limit_uploads`` can put the limit in front of the upload handlers first; it must then check the token
itself, with ``csrf_protect`` on the inner view that reads the form, and check the role before calling it.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class SizeLimit(FileUploadHandler):
    """Drops an uploaded file as soon as it passes ``limit`` bytes, before the handlers after it (memory or
    temporary file) store the rest: ``exceeded`` then says why the form has no file (``exceeded_fields``
    which). Each file of a form is held to the limit on its own."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False
        self.exceeded_fields: set[str] = (
            set()
        )  # the form fields whose file was dropped (a form may take several)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            self.exceeded_fields.add(self.field_name)
            raise SkipFile  # Django closes (and deletes) what was stored of this file and skips the rest
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def limit_uploads(request: HttpRequest, limit: int) -> SizeLimit:
    """Put a size limit in front of the request's upload handlers; call before anything reads the body."""
    size_limit = SizeLimit(request, limit)
    request.upload_handlers.insert(0, size_limit)
    return size_limit
