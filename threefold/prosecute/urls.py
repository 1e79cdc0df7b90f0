"""Prosecution pages under ``prosecute/`` and their read-only API under ``api/v1/``. Mounted by one include at the
root (threefold/urls.py), after the API's own include, none of whose patterns match these paths."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from threefold.prosecute import api_views, stats_views, views

app_name = "prosecute"
_CASE = "prosecute/cases/<str:reference>/"
_P = "prosecute/proceedings/<str:reference>/"
urlpatterns = [
    path("prosecute/", views.home, name="home"),
    path("prosecute/statistics/", stats_views.statistics, name="statistics"),
    path("prosecute/non-punishment/", views.non_punishment, name="non_punishment"),
    path(_CASE, views.case, name="case"),
    path(f"{_CASE}new/", views.new_proceeding, name="new_proceeding"),
    path(f"{_CASE}own-charges/new/", views.add_own_charge, name="add_own_charge"),
    path(f"{_CASE}own-charges/<int:pk>/", views.edit_own_charge, name="edit_own_charge"),
    path(_P, views.proceeding, name="proceeding"),
    path(f"{_P}edit/", views.edit_proceeding, name="edit_proceeding"),
    path(f"{_P}stages/new/", views.add_stage, name="add_stage"),
    path(f"{_P}offenders/new/", views.add_offender, name="add_offender"),
    path(f"{_P}offenders/<int:pk>/", views.edit_offender, name="edit_offender"),
    path(f"{_P}offenders/<int:pk>/sentence/", views.sentence, name="sentence"),
    path(f"{_P}charges/new/", views.add_charge, name="add_charge"),
    path(f"{_P}charges/<int:pk>/verdict/", views.charge_verdict, name="charge_verdict"),
    path(f"{_P}compensation/new/", views.add_order, name="add_order"),
    path(f"{_P}compensation/<int:pk>/payments/new/", views.add_payment, name="add_payment"),
    path(f"{_P}measures/new/", views.add_measure, name="add_measure"),
    path(f"{_P}measures/<int:pk>/", views.edit_measure, name="edit_measure"),
    path(f"{_P}court-dates/new/", views.add_court_date, name="add_court_date"),
    path(f"{_P}court-dates/<int:pk>/", views.edit_court_date, name="edit_court_date"),
    path(f"{_P}accompaniments/new/", views.add_accompaniment, name="add_accompaniment"),
    path(f"{_P}risk/new/", views.add_risk, name="add_risk"),
    # DRF answers anonymous API calls itself (401/403); the login redirect is for pages, not clients.
    path(
        "api/v1/cases/<str:reference>/proceedings/",
        login_not_required(api_views.CaseProceedingsView.as_view()),
        name="api_case_proceedings",
    ),
    path(
        "api/v1/proceedings/<str:reference>/",
        login_not_required(api_views.ProceedingDetailView.as_view()),
        name="api_proceeding",
    ),
]
