"""Pages of training, mounted at ``training/`` (threefold/urls.py)."""

from django.urls import URLPattern, path

from threefold.training import link_views, views

app_name = "training"
_PARTICIPANT = "sessions/<str:reference>/participants/<str:uid>/"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("courses/new/", views.add_course, name="add_course"),
    path("courses/<str:reference>/", views.course, name="course"),
    path("courses/<str:reference>/edit/", views.edit_course, name="edit_course"),
    path("courses/<str:reference>/delete/", views.delete_course, name="delete_course"),
    path("courses/<str:reference>/modules/new/", views.add_module, name="add_module"),
    path("courses/<str:reference>/modules/<int:module_id>/edit/", views.edit_module, name="edit_module"),
    path("courses/<str:reference>/questions/new/", views.add_question, name="add_question"),
    path("courses/<str:reference>/questions/import/", views.import_questions, name="import_questions"),
    path("examples/<str:name>", views.example, name="example"),
    path(
        "courses/<str:reference>/questions/<int:question_id>/retire/",
        views.retire_question,
        name="retire_question",
    ),
    path("courses/<str:reference>/sessions/new/", views.add_session, name="add_session"),
    path("courses/<str:reference>/results/", views.course_results, name="course_results"),
    path("sessions/<str:reference>/", views.session, name="session"),
    path("sessions/<str:reference>/edit/", views.edit_session, name="edit_session"),
    path("sessions/<str:reference>/delete/", views.delete_session, name="delete_session"),
    path("sessions/<str:reference>/freeze/", views.freeze_questions, name="freeze_questions"),
    path("sessions/<str:reference>/attendance/", views.attendance, name="attendance"),
    path("sessions/<str:reference>/results/", views.results, name="results"),
    path("sessions/<str:reference>/registration/", views.open_registration, name="open_registration"),
    path("sessions/<str:reference>/registration/close/", views.close_registration, name="close_registration"),
    path("sessions/<str:reference>/participants/new/", views.add_participant, name="add_participant"),
    path("sessions/<str:reference>/follow-ups/<str:uid>/", views.enter_follow_up, name="enter_follow_up"),
    path(_PARTICIPANT, views.participant, name="participant"),
    path(_PARTICIPANT + "link/", views.new_link, name="new_link"),
    path(_PARTICIPANT + "forget/", views.forget_identity, name="forget_identity"),
    path(_PARTICIPANT + "remove/", views.remove_participant, name="remove_participant"),
    path(_PARTICIPANT + "tests/<str:kind>/", views.enter_test, name="enter_test"),
    path(_PARTICIPANT + "certificate/", views.certificate, name="certificate"),
    # Public: the token or code in the address is the credential.
    path("j/<str:token>/", link_views.join, name="join"),
    path("p/<str:token>/", link_views.link_home, name="link_home"),
    path("p/<str:token>/tests/<str:kind>/", link_views.link_test, name="link_test"),
    path("p/<str:token>/follow-ups/<int:months>/", link_views.link_follow_up, name="link_follow_up"),
    path("f/<str:token>/", link_views.answer_follow_up, name="answer_follow_up"),
    path("verify/<str:code>/", link_views.verify, name="verify"),
]
