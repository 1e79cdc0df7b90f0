from django.urls import path

from threefold.insight import dashboard, estimate_views, private_views, steward_views, views

app_name = "insight"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/htcds/", views.export_htcds, name="export_htcds"),
    path("import/", steward_views.import_dataset, name="import"),
    path("estimates/", estimate_views.estimates, name="estimates"),
    path("estimates/<int:pk>/", estimate_views.estimate, name="estimate"),
    path("estimates/<int:pk>/progress/", estimate_views.estimate_progress, name="estimate_progress"),
    path("estimates/<int:pk>/download.<str:fmt>", estimate_views.estimate_download, name="estimate_download"),
    path("estimates/<int:pk>/delete/", estimate_views.estimate_delete, name="estimate_delete"),
    path("<str:source>/", views.table, name="table"),
    path("<str:source>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<str:source>/compare/", dashboard.compare, name="compare"),
    path("<str:source>/private/", private_views.private_release, name="private_release"),
    path("<str:source>/delete/", steward_views.delete_dataset, name="delete"),
    path("<str:source>/budget/", steward_views.set_budget, name="budget"),
]
