from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", views.practice_edit, name="practice-edit"),
    path("practices/<slug:slug>/members/", views.practice_members, name="practice-members"),
    path(
        "practices/<slug:slug>/members/<int:member_id>/remove/",
        views.practice_member_remove,
        name="practice-member-remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
