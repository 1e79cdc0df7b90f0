from django.urls import path

from threefold.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.activity, name="activity"),
    path("object/<str:object_type>/<str:object_id>/", views.object_history, name="object"),
    path("user/<int:user_id>/", views.user_activity, name="user"),
]
