"""Pages of prevent, mounted at ``prevent/`` (threefold/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "prevent"
urlpatterns: list[URLPattern] = []
