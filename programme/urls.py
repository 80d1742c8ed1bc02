from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("programme/", views.agenda, name="agenda"),
    path("programme/mine/", views.mine, name="mine"),
    path("programme/events/<int:pk>/", views.event_detail, name="event"),
    path("programme/events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("programme/events/<int:pk>/attendees/", views.attendees, name="attendees"),
    path("programme/events/<int:pk>/attendees.csv", views.attendees_csv, name="attendees-csv"),
    path("programme/events/<int:pk>/message/", views.message, name="message"),
    path("programme/dates/<int:pk>/register/", views.register, name="register"),
    path("programme/dates/<int:pk>/move/", views.date_move, name="date-move"),
    path("programme/dates/<int:pk>/cancel/", views.date_cancel, name="date-cancel"),
    path("programme/registrations/<str:token>/", views.registration, name="registration"),
    path("programme/projects/", views.projects, name="projects"),
    path("programme/projects/<int:pk>/", views.project_detail, name="project"),
    path("programme/projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("programme/slots/<int:pk>/take/", views.slot_take, name="slot-take"),
    path("programme/slots/<int:pk>/release/", views.slot_release, name="slot-release"),
    path("practices/<slug:slug>/projects/new/", views.project_create, name="project-create"),
    path("practices/<slug:slug>/programme/widget/", views.practice_widget, name="practice-widget"),
    path("spaces/<slug:slug>/programme/", views.space_programme, name="space"),
    path("spaces/<slug:slug>/programme/new/", views.event_create, name="event-create"),
    path("spaces/<slug:slug>/programme/widget/", views.space_widget, name="space-widget"),
    path("spaces/<slug:slug>/services/", views.space_services, name="services"),
    path("spaces/<slug:slug>/services/manage/", views.services_manage, name="services-manage"),
]
