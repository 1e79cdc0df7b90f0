from django.urls import path

from threefold.countries import views

app_name = "countries"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("<str:code>/", views.country, name="country"),
    path("<str:code>/brief/", views.brief, name="brief"),
]
