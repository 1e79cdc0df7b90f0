"""Pages of participate, mounted at ``participate/`` (threefold/urls.py)."""

from django.urls import path

from threefold.participate import feedback_views, leader_views, public_views, views

app_name = "participate"
urlpatterns = [
    path("", views.home, name="home"),
    path("consultations/new/", views.new_consultation, name="new_consultation"),
    path("consultations/<str:reference>/", views.consultation, name="consultation"),
    path("consultations/<str:reference>/edit/", views.edit_consultation, name="edit_consultation"),
    path("consultations/<str:reference>/questions/", views.add_question, name="add_question"),
    path(
        "consultations/<str:reference>/questions/<int:question>/edit/",
        views.edit_question,
        name="edit_question",
    ),
    path(
        "consultations/<str:reference>/questions/<int:question>/delete/",
        views.delete_question,
        name="delete_question",
    ),
    path(
        "consultations/<str:reference>/questions/<int:question>/move/",
        views.move_question,
        name="move_question",
    ),
    path("consultations/<str:reference>/state/", views.change_state, name="change_state"),
    path("consultations/<str:reference>/links/", views.issue_links, name="issue_links"),
    path("consultations/<str:reference>/results/", views.results, name="results"),
    path("consultations/<str:reference>/results/<int:position>/", views.free_text, name="free_text"),
    path("consultations/<str:reference>/changes/", views.add_change, name="add_change"),
    path("consultations/<str:reference>/changes/<int:change>/edit/", views.edit_change, name="edit_change"),
    path(
        "consultations/<str:reference>/changes/<int:change>/delete/",
        views.delete_change,
        name="delete_change",
    ),
    path("feedback/", feedback_views.feedback, name="feedback"),
    path("feedback/links/", feedback_views.feedback_links, name="feedback_links"),
    path(
        "feedback/<str:service>/<int:provider>/comments/",
        feedback_views.feedback_comments,
        name="feedback_comments",
    ),
    path("leaders/", leader_views.leaders, name="leaders"),
    path("leaders/new/", leader_views.new_leader, name="new_leader"),
    path("leaders/<str:reference>/", leader_views.leader, name="leader"),
    path("leaders/<str:reference>/add/<str:what>/", leader_views.add_entry, name="add_leader_entry"),
    path("leaders/<str:reference>/withdraw/", leader_views.withdraw, name="withdraw_consent"),
    path("leaders/<str:reference>/delete/", leader_views.delete, name="delete_leader"),
    # Anonymous pages: no account, nothing kept of the visitor (ADR 0030).
    path("answer/", public_views.enter_code, name="enter_code"),
    path("a/<str:code>/", public_views.answer, name="answer"),
    # Names no consultation: it stays in the history of a phone someone else may look at.
    path("thanks/", public_views.thanks, name="thanks"),
    path("c/<str:reference>/", public_views.summary, name="summary"),
]
