from django.urls import path

from threefold.protect import views

app_name = "protect"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/new/", views.add_person, name="add_person"),
    path("caseload/", views.caseload, name="caseload"),
    path("people/<str:reference>/", views.person, name="person"),
    path("people/<str:reference>/edit/", views.edit_person, name="edit_person"),
    path("people/<str:reference>/break-glass/", views.break_glass, name="break_glass"),
    path("people/<str:reference>/assign/", views.assign, name="assign"),
]
