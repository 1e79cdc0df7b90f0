from django.urls import path

from threefold.insight import private_views, views

app_name = "insight"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/htcds/", views.export_htcds, name="export_htcds"),
    path("<str:source>/", views.table, name="table"),
    path("<str:source>/private/", private_views.private_release, name="private_release"),
]
