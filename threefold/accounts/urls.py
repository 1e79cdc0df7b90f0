from django.urls import path

from threefold.accounts import views

app_name = "accounts"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("members/<int:membership_id>/active/", views.toggle_active, name="toggle_active"),
    path("members/<int:membership_id>/reset-mfa/", views.reset_mfa, name="reset_mfa"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("join/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
