from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", include("threefold.api.urls")),
    path("org/", include("threefold.accounts.urls")),
    path("audit/", include("threefold.audit.urls")),
    path("protect/people/<str:reference>/consent/", include("threefold.consent.urls", namespace="consent")),
    path("protect/", include("threefold.protect.urls")),
    path("protect/", include("threefold.plans.urls", namespace="plans")),  # cases/<ref>/plan/... and tasks/
    path("", include("threefold.referrals.urls", namespace="referrals")),
    path("notifications/", include("threefold.notifications.urls", namespace="notifications")),
    path("identify/", include("threefold.identify.urls")),
    path("insight/", include("threefold.insight.urls")),
    path("countries/", include("threefold.countries.urls")),
    path("advocate/", include("threefold.advocate.urls")),
    path("training/", include("threefold.training.urls")),
    path("prevent/", include("threefold.prevent.urls")),
    path("participate/", include("threefold.participate.urls")),
    path("", include("threefold.prosecute.urls", namespace="prosecute")),  # prosecute/... and api/v1/...
    path("", include("threefold.web.urls")),
]
