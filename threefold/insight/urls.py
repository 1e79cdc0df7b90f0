from django.urls import path

from threefold.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:source>/", views.table, name="table"),
]
