"""Pages of prevent, mounted at ``prevent/`` (threefold/urls.py)."""

from django.urls import path

from threefold.prevent import views

app_name = "prevent"
urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.areas, name="areas"),
    path("areas/import/", views.import_areas, name="import_areas"),
    path("areas/boundaries/", views.import_boundaries, name="import_boundaries"),
    path("areas/indicators/", views.import_indicators, name="import_indicators"),
    path("examples/<str:name>", views.example, name="example"),
    path("map/", views.vulnerability_map, name="map"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.add_session, name="add_session"),
    path("sessions/<str:reference>/", views.session, name="session"),
    path("sessions/<str:reference>/edit/", views.edit_session, name="edit_session"),
    path("sessions/<str:reference>/delete/", views.delete_session, name="delete_session"),
    path("materials/", views.materials, name="materials"),
    path("materials/new/", views.add_material, name="add_material"),
    path("materials/<str:reference>/", views.material, name="material"),
    path("materials/<str:reference>/edit/", views.edit_material, name="edit_material"),
    path("materials/<str:reference>/delete/", views.delete_material, name="delete_material"),
    path("materials/<str:reference>/versions/", views.add_version, name="add_version"),
    path("materials/<str:reference>/versions/<int:version_id>/download/", views.download, name="download"),
    path(
        "materials/<str:reference>/versions/<int:version_id>/delete/",
        views.delete_version,
        name="delete_version",
    ),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.add_campaign, name="add_campaign"),
    path("campaigns/<str:reference>/", views.campaign, name="campaign"),
    path("campaigns/<str:reference>/edit/", views.edit_campaign, name="edit_campaign"),
    path("campaigns/<str:reference>/delete/", views.delete_campaign, name="delete_campaign"),
    path("campaigns/<str:reference>/activities/", views.add_activity, name="add_activity"),
    path(
        "campaigns/<str:reference>/activities/<int:activity_id>/edit/",
        views.edit_activity,
        name="edit_activity",
    ),
    path(
        "campaigns/<str:reference>/activities/<int:activity_id>/delete/",
        views.delete_activity,
        name="delete_activity",
    ),
    path("coverage/", views.coverage, name="coverage"),
]
