from django.urls import path

from . import views

app_name = "network"

S = "spaces/<slug:slug>/network/"

urlpatterns = [
    path(S + "access/", views.access, name="access"),
    path(S + "visitors/", views.visitors, name="visitors"),
    path(S + "ledger/", views.space_ledger, name="space-ledger"),
    path(S + "ledger.csv", views.space_ledger_csv, name="space-ledger-csv"),
    path("networks/<slug:network>/ledger/", views.network_ledger, name="network-ledger"),
    path("networks/<slug:network>/ledger.csv", views.network_ledger_csv, name="network-ledger-csv"),
    path("me/network/", views.mine, name="mine"),
]
