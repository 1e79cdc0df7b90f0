"""Plan pages. Mounted under ``protect/`` by one include (threefold/urls.py), after protect's own patterns, none
of which match these paths: a case's plan under the case, and the task list across the actor's cases."""

from django.urls import path

from threefold.plans import views

app_name = "plans"
_CASE = "cases/<str:reference>/plan/"
urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path(_CASE, views.plan, name="plan"),
    path(f"{_CASE}needs/new/", views.add_need, name="add_need"),
    path(f"{_CASE}needs/<int:pk>/", views.edit_need, name="edit_need"),
    path(f"{_CASE}goals/new/", views.add_goal, name="add_goal"),
    path(f"{_CASE}goals/<int:pk>/", views.edit_goal, name="edit_goal"),
    path(f"{_CASE}services/new/", views.add_service, name="add_service"),
    path(f"{_CASE}services/<int:pk>/start/", views.start_service, name="start_service"),
    path(f"{_CASE}services/<int:pk>/delivered/", views.deliver_service, name="deliver_service"),
    path(f"{_CASE}services/<int:pk>/cancel/", views.cancel_service, name="cancel_service"),
    path(f"{_CASE}follow-ups/new/", views.add_follow_up, name="add_follow_up"),
    path(f"{_CASE}follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
