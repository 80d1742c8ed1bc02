from django.urls import path

from . import views

app_name = "spaces"

urlpatterns = [
    path("spaces/", views.directory, name="directory"),
    path("spaces/<slug:slug>/", views.detail, name="detail"),
    path("spaces/<slug:slug>/resources/<int:pk>/", views.resource_detail, name="resource"),
    path("spaces/<slug:slug>/manage/", views.manage, name="manage"),
    path("spaces/<slug:slug>/manage/identity/", views.edit_identity, name="edit"),
    path("spaces/<slug:slug>/manage/resources/", views.manage_resources, name="manage-resources"),
    path("spaces/<slug:slug>/manage/resources/new/", views.resource_form, name="resource-add"),
    path("spaces/<slug:slug>/manage/resources/<int:pk>/", views.resource_form, name="resource-edit"),
    path("spaces/<slug:slug>/manage/resources/<int:pk>/retire/", views.resource_retire, name="resource-retire"),
    path("spaces/<slug:slug>/manage/hours/", views.opening_hours, name="opening-hours"),
    path("spaces/<slug:slug>/manage/closures/", views.closures, name="closures"),
    path("spaces/<slug:slug>/manage/closures/<int:pk>/remove/", views.closure_remove, name="closure-remove"),
    path("spaces/<slug:slug>/manage/practices/", views.memberships, name="memberships"),
    path("spaces/<slug:slug>/manage/practices/<int:pk>/", views.membership_edit, name="membership-edit"),
    path("spaces/<slug:slug>/manage/practices/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("spaces/<slug:slug>/manage/roles/", views.roles, name="roles"),
    path("spaces/<slug:slug>/manage/roles/<int:pk>/remove/", views.role_remove, name="role-remove"),
    path("spaces/<slug:slug>/manage/audit/", views.audit_log, name="audit"),
]
