from django.urls import path

from threefold.insight import dashboard, estimate_views, linkage_views, private_views, steward_views, views

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
    path("estimates/<int:pk>/restart/", estimate_views.estimate_restart, name="estimate_restart"),
    # Record linkage between organisations (privacy-preserving): before the "<source>/" pages, which take any name.
    path("linkage/", linkage_views.linkage, name="linkage"),
    path("linkage/encodings/new/", linkage_views.make, name="linkage_make"),
    path("linkage/encodings/import/", linkage_views.import_set, name="linkage_import"),
    path("linkage/encodings/<int:pk>/", linkage_views.encoding_set, name="encoding_set"),
    path(
        "linkage/encodings/<int:pk>/progress/",
        linkage_views.encoding_set_progress,
        name="encoding_set_progress",
    ),
    path("linkage/encodings/<int:pk>/export/", linkage_views.encoding_set_export, name="encoding_set_export"),
    path("linkage/encodings/<int:pk>/delete/", linkage_views.encoding_set_delete, name="encoding_set_delete"),
    path("linkage/runs/new/", linkage_views.run_new, name="linkage_run_new"),
    path("linkage/runs/<int:pk>/", linkage_views.linkage_run, name="linkage_run"),
    path("linkage/runs/<int:pk>/progress/", linkage_views.linkage_run_progress, name="linkage_run_progress"),
    path(
        "linkage/runs/<int:pk>/overlap.csv", linkage_views.linkage_run_download, name="linkage_run_download"
    ),
    path("linkage/runs/<int:pk>/estimate/", linkage_views.linkage_run_estimate, name="linkage_run_estimate"),
    path("linkage/runs/<int:pk>/delete/", linkage_views.linkage_run_delete, name="linkage_run_delete"),
    path("<str:source>/", views.table, name="table"),
    path("<str:source>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<str:source>/compare/", dashboard.compare, name="compare"),
    path("<str:source>/private/", private_views.private_release, name="private_release"),
    path("<str:source>/delete/", steward_views.delete_dataset, name="delete"),
    path("<str:source>/budget/", steward_views.set_budget, name="budget"),
]
