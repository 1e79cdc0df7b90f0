"""A person's consent pages, mounted under ``protect/people/<reference>/consent/`` (see threefold/urls.py)."""

from django.urls import path

from threefold.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.consents, name="consents"),
    path("new/", views.record, name="record"),
    path("<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
]
