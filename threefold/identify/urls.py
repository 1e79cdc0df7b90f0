"""Identify's pages. Each views module lists its own routes; this file only joins them under one namespace."""

from threefold.identify.views import directory, imports, instruments, review, screening

app_name = "identify"
urlpatterns = [
    *screening.urlpatterns,
    *review.urlpatterns,
    *imports.urlpatterns,
    *directory.urlpatterns,
    *instruments.urlpatterns,
]
