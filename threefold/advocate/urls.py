"""Advocacy pages, mounted at ``advocate/`` (threefold/urls.py)."""

from django.urls import path

from threefold.advocate import action_views, review_views, views

app_name = "advocate"
urlpatterns = [
    path("", views.home, name="home"),
    path("tracker/", views.overview, name="tracker"),
    path("asks/", views.framework, name="framework"),
    path("countries/<str:code>/", views.country, name="country"),
    path("countries/<str:code>/asks/<str:ask>/", views.ask, name="ask"),
    path("countries/<str:code>/evidence/new/", views.add_evidence, name="add_evidence"),
    path("evidence/<str:reference>/", views.evidence, name="evidence"),
    path("evidence/<str:reference>/edit/", views.edit_evidence, name="edit_evidence"),
    path("evidence/<str:reference>/approve/", views.approve_evidence, name="approve_evidence"),
    path("evidence/<str:reference>/decline/", views.decline_evidence, name="decline_evidence"),
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/new/", review_views.add_review, name="add_review"),
    path("reviews/compare/", review_views.compare, name="compare_reviews"),
    path("reviews/<str:reference>/", review_views.review, name="review"),
    path("reviews/<str:reference>/answers/", review_views.answer_review, name="answer_review"),
    path("reviews/<str:reference>/gaps/", review_views.gap_report, name="gap_report"),
    path("reviews/<str:reference>/new-version/", review_views.new_version, name="new_review_version"),
    path("actions/", action_views.actions, name="actions"),
    path("actions/new/", action_views.add_action, name="add_action"),
    path("actions/<str:reference>/", action_views.action, name="action"),
    path("actions/<str:reference>/edit/", action_views.edit_action, name="edit_action"),
]
