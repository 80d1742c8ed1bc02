from django.urls import path

from . import views

app_name = "governance"

G = "spaces/<slug:slug>/governance/"
INC = "spaces/<slug:slug>/incidents/"

urlpatterns = [
    path(G, views.overview, name="overview"),
    path("me/house-rules/", views.acknowledgements, name="acknowledgements"),
    path(G + "proposals/", views.proposal_list, name="proposals"),
    path(G + "proposals/new/", views.proposal_new, name="proposal-new"),
    path(G + "proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(G + "proposals/<int:pk>/vote/", views.proposal_vote, name="proposal-vote"),
    path(G + "proposals/<int:pk>/comment/", views.proposal_comment, name="proposal-comment"),
    path(G + "proposals/<int:pk>/close/", views.proposal_close, name="proposal-close"),
    path(G + "attachments/<int:pk>/", views.attachment, name="attachment"),
    path(G + "decisions/", views.decision_log, name="decisions"),
    path(G + "methods/", views.methods, name="methods"),
    path(G + "roles/", views.roles, name="roles"),
    path(G + "meetings/", views.meeting_list, name="meetings"),
    path(G + "meetings/new/", views.meeting_new, name="meeting-new"),
    path(G + "meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path(G + "meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(G + "meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path(G + "meetings/<int:pk>/decision/", views.meeting_decision, name="meeting-decision"),
    path(G + "documents/", views.document_list, name="documents"),
    path(G + "documents/new/", views.document_new, name="document-new"),
    path(G + "documents/<int:pk>/", views.document_detail, name="document"),
    path(G + "documents/<int:pk>/publish/", views.document_publish, name="document-publish"),
    path(G + "house-rules/acknowledge/", views.acknowledge, name="acknowledge"),
    path(G + "agreements/", views.agreement_list, name="agreements"),
    path(G + "agreements/new/", views.agreement_new, name="agreement-new"),
    path(G + "agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path(G + "agreements/<int:pk>/renew/", views.agreement_renew, name="agreement-renew"),
    path(G + "rota/", views.rota_view, name="rota"),
    path(G + "rota/tasks/new/", views.task_new, name="task-new"),
    path(G + "rota/plan/", views.rota_generate, name="rota-generate"),
    path(G + "rota/shifts/<int:pk>/<slug:action>/", views.shift_action, name="shift-action"),
    path(INC, views.incident_list, name="incidents"),
    path(INC + "report/", views.incident_new, name="incident-new"),
    path(INC + "<int:pk>/", views.incident_detail, name="incident"),
    path(INC + "<int:pk>/update/", views.incident_update, name="incident-update"),
    path(INC + "<int:pk>/out-of-service/", views.incident_out_of_service, name="incident-out-of-service"),
    path(INC + "<int:pk>/photo/", views.incident_photo, name="incident-photo"),
]
