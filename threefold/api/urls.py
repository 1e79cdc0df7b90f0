from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from threefold.api import case_views, instrument_views, views, web_views

app_name = "api"
urlpatterns = [
    # DRF answers anonymous API calls itself (401/403); the login redirect is for pages, not clients.
    path("v1/me/", login_not_required(views.MeView.as_view()), name="me"),
    path("v1/persons/", login_not_required(views.PersonListView.as_view()), name="persons"),
    path("v1/persons/<str:reference>/", login_not_required(views.PersonDetailView.as_view()), name="person"),
    path(
        "v1/instruments/",
        login_not_required(instrument_views.InstrumentListView.as_view()),
        name="instruments",
    ),
    path(
        "v1/instruments/<str:instrument_id>/",
        login_not_required(instrument_views.InstrumentDetailView.as_view()),
        name="instrument",
    ),
    path(
        "v1/instruments/<str:instrument_id>/score/",
        login_not_required(instrument_views.InstrumentScoreView.as_view()),
        name="instrument_score",
    ),
    path(
        "v1/screenings/",
        login_not_required(instrument_views.ScreeningCreateView.as_view()),
        name="screenings",
    ),
    path(
        "v1/screenings/<str:reference>/",
        login_not_required(instrument_views.ScreeningDetailView.as_view()),
        name="screening",
    ),
    path("v1/cases/", login_not_required(case_views.CaseListView.as_view()), name="cases"),
    path("v1/cases/<str:reference>/", login_not_required(case_views.CaseDetailView.as_view()), name="case"),
    path(
        "v1/cases/<str:reference>/stage/",
        login_not_required(case_views.CaseStageView.as_view()),
        name="case_stage",
    ),
    path(
        "v1/cases/<str:reference>/context/",
        login_not_required(case_views.CaseContextView.as_view()),
        name="case_context",
    ),
    path(
        "v1/cases/<str:reference>/notes/",
        login_not_required(case_views.CaseNoteView.as_view()),
        name="case_notes",
    ),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("tokens/", web_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", web_views.revoke_token, name="revoke_token"),
]
