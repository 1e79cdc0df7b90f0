from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from threefold.api import (
    case_views,
    consent_views,
    insight_views,
    instrument_views,
    nrm_views,
    plan_views,
    referral_views,
    views,
    web_views,
)

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
    # ---- consent, NRM, assistance plans and referrals: the same access and services as their pages
    path(
        "v1/persons/<str:reference>/consents/",
        login_not_required(consent_views.ConsentListView.as_view()),
        name="person_consents",
    ),
    path(
        "v1/persons/<str:reference>/consents/<int:consent_id>/withdraw/",
        login_not_required(consent_views.ConsentWithdrawView.as_view()),
        name="person_consent_withdraw",
    ),
    path(
        "v1/cases/<str:reference>/nrm/", login_not_required(nrm_views.NrmReferView.as_view()), name="case_nrm"
    ),
    path(
        "v1/cases/<str:reference>/nrm/decisions/",
        login_not_required(nrm_views.NrmDecisionView.as_view()),
        name="case_nrm_decisions",
    ),
    path(
        "v1/nrm/jurisdictions/",
        login_not_required(nrm_views.JurisdictionListView.as_view()),
        name="nrm_jurisdictions",
    ),
    path(
        "v1/cases/<str:reference>/plan/", login_not_required(plan_views.PlanView.as_view()), name="case_plan"
    ),
    path(
        "v1/cases/<str:reference>/plan/needs/",
        login_not_required(plan_views.NeedAddView.as_view()),
        name="plan_needs",
    ),
    path(
        "v1/cases/<str:reference>/plan/goals/",
        login_not_required(plan_views.GoalAddView.as_view()),
        name="plan_goals",
    ),
    path(
        "v1/cases/<str:reference>/plan/services/",
        login_not_required(plan_views.ServiceAddView.as_view()),
        name="plan_services",
    ),
    path(
        "v1/cases/<str:reference>/plan/services/<int:pk>/delivered/",
        login_not_required(plan_views.ServiceDeliveredView.as_view()),
        name="plan_service_delivered",
    ),
    path(
        "v1/cases/<str:reference>/plan/follow-ups/",
        login_not_required(plan_views.FollowUpAddView.as_view()),
        name="plan_follow_ups",
    ),
    path(
        "v1/cases/<str:reference>/plan/follow-ups/<int:pk>/done/",
        login_not_required(plan_views.FollowUpDoneView.as_view()),
        name="plan_follow_up_done",
    ),
    path("v1/tasks/", login_not_required(plan_views.TaskListView.as_view()), name="tasks"),
    path("v1/referrals/", login_not_required(referral_views.ReferralListView.as_view()), name="referrals"),
    path(
        "v1/cases/<str:reference>/referrals/",
        login_not_required(referral_views.ReferralSendView.as_view()),
        name="case_referrals",
    ),
    path(
        "v1/referrals/<str:reference>/",
        login_not_required(referral_views.ReferralDetailView.as_view()),
        name="referral",
    ),
    path(
        "v1/referrals/<str:reference>/packet/",
        login_not_required(referral_views.ReferralPacketView.as_view()),
        name="referral_packet",
    ),
    path(
        "v1/referrals/<str:reference>/accept/",
        login_not_required(referral_views.ReferralAcceptView.as_view()),
        name="referral_accept",
    ),
    path(
        "v1/referrals/<str:reference>/decline/",
        login_not_required(referral_views.ReferralDeclineView.as_view()),
        name="referral_decline",
    ),
    path(
        "v1/referrals/<str:reference>/revoke/",
        login_not_required(referral_views.ReferralRevokeView.as_view()),
        name="referral_revoke",
    ),
    # ---- insight: datasets, protected tables and the privacy ledger, as the statistics pages
    path(
        "v1/insight/datasets/",
        login_not_required(insight_views.DatasetListView.as_view()),
        name="insight_datasets",
    ),
    path(
        "v1/insight/datasets/<int:dataset_id>/",
        login_not_required(insight_views.DatasetDetailView.as_view()),
        name="insight_dataset",
    ),
    path(
        "v1/insight/datasets/<int:dataset_id>/releases/",
        login_not_required(insight_views.ReleaseListView.as_view()),
        name="insight_releases",
    ),
    path("v1/insight/tables/", login_not_required(insight_views.TableView.as_view()), name="insight_table"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("tokens/", web_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", web_views.revoke_token, name="revoke_token"),
]
