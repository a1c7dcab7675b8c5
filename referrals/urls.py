"""Referral pages, mounted under /referrals/ (config/urls.py)."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/<uuid:case_pk>/", views.referral_create, name="create"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/<slug:action>/", views.referral_act, name="act"),
]
