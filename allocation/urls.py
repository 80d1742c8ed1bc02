from django.urls import path

from . import views

app_name = "allocation"

P = "spaces/<slug:slug>/allocation/"
R = P + "<int:pk>/"

urlpatterns = [
    path(P, views.rounds, name="rounds"),
    path(P + "new/", views.round_new, name="round-new"),
    path(R, views.round_detail, name="round"),
    path(R + "progress/", views.progress, name="progress"),
    path(R + "status/", views.round_status, name="round-status"),
    path(R + "entitlements/", views.entitlements, name="entitlements"),
    path(R + "requests/new/", views.request_new, name="request-new"),
    path(R + "requests/<int:req>/edit/", views.request_edit, name="request-edit"),
    path(R + "requests/<int:req>/delete/", views.request_delete, name="request-delete"),
    path(R + "requests/<int:req>/place/", views.place, name="place"),
    path(R + "solve/", views.solve, name="solve"),
    path(R + "close-now/", views.close_now, name="close-now"),
    path(R + "result/", views.result, name="result"),
    path(R + "publish/", views.publish, name="publish"),
    path(R + "slots/<int:slot>/remove/", views.slot_remove, name="slot-remove"),
    path(R + "slots/<int:slot>/release/", views.release, name="release"),
    path(R + "slots/<int:slot>/swap/", views.swap, name="swap"),
    path(R + "swaps/<int:swap>/answer/", views.swap_answer, name="swap-answer"),
]
