"""Pages of participate, mounted at ``participate/`` (threefold/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "participate"
urlpatterns: list[URLPattern] = []
