from django.urls import path

from threefold.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
]
