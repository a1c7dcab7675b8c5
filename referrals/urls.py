"""Referral pages, mounted under /referrals/ (config/urls.py)."""

from django.urls import path

from referrals import consent_views, directory_views, views

app_name = "referrals"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/<uuid:case_pk>/", views.referral_create, name="create"),
    path("consents/new/<uuid:case_pk>/", consent_views.consent_create, name="consent-create"),
    path("consents/<uuid:pk>/withdraw/", consent_views.consent_withdraw, name="consent-withdraw"),
    path("directory/", directory_views.directory, name="directory"),
    path("directory/ours/", directory_views.our_services, name="our-services"),
    path("directory/<uuid:pk>/edit/", directory_views.directory_edit, name="directory-edit"),
    path("overrides/", views.overrides, name="overrides"),
    path("overrides/<uuid:pk>/<slug:decision>/", views.override_decide, name="override-decide"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/override/", views.override_request, name="override-request"),
    path("<uuid:pk>/<slug:action>/", views.referral_act, name="act"),
]
