"""Referral pages. Mounted at the site root by one include (threefold/urls.py): the send form lives under the
case it refers (``protect/cases/<case>/referrals/new/``, a path protect's own patterns never match), the rest
under ``referrals/``."""

from django.urls import path

from threefold.referrals import views

app_name = "referrals"
urlpatterns = [
    path("protect/cases/<str:case_reference>/referrals/new/", views.send, name="send"),
    path("referrals/", views.referral_list, name="list"),
    # Before ``referrals/<reference>/``, which would otherwise take "partners" for a reference.
    path("referrals/partners/", views.partners, name="partners"),
    path("referrals/partners/ours/", views.our_services, name="our_services"),
    path("referrals/partners/<int:entry_id>/edit/", views.edit_service, name="edit_service"),
    path("referrals/partners/<int:entry_id>/delete/", views.delete_service, name="delete_service"),
    path("referrals/<str:reference>/", views.referral, name="referral"),
    path("referrals/<str:reference>/accept/", views.accept, name="accept"),
    path("referrals/<str:reference>/decline/", views.decline, name="decline"),
    path("referrals/<str:reference>/revoke/", views.revoke, name="revoke"),
]
