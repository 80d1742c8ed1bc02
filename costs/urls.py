from django.urls import path

from . import views

app_name = "costs"

P = "spaces/<slug:slug>/costs/"

urlpatterns = [
    path(P, views.periods, name="periods"),
    path(P + "new/", views.period_new, name="period-new"),
    path(P + "settings/", views.cost_settings, name="settings"),
    path(P + "balances/", views.balances, name="balances"),
    path(P + "payments/import/", views.payment_import, name="payment-import"),
    path(P + "<int:pk>/", views.period_detail, name="period"),
    path(P + "<int:pk>/delete/", views.period_delete, name="period-delete"),
    path(P + "<int:pk>/close/", views.period_close, name="period-close"),
    path(P + "<int:pk>/export.csv", views.period_export, name="period-export"),
    path(P + "<int:pk>/headcounts/", views.headcounts, name="headcounts"),
    path(P + "<int:pk>/items/new/", views.item_new, name="item-new"),
    path(P + "<int:pk>/items/rental-income/", views.rental_income, name="rental-income"),
    path(P + "<int:pk>/items/<int:item>/edit/", views.item_edit, name="item-edit"),
    path(P + "<int:pk>/items/<int:item>/delete/", views.item_delete, name="item-delete"),
    path(P + "<int:pk>/items/<int:item>/document/", views.item_document, name="item-document"),
    path(P + "<int:pk>/practices/<int:practice>/", views.practice_share, name="practice-share"),
    path(P + "statements/<int:pk>/", views.statement, name="statement"),
    path(P + "statements/<int:pk>/pdf/", views.statement_pdf, name="statement-pdf"),
    path(P + "statements/<int:pk>/payments/new/", views.payment_new, name="payment-new"),
]
