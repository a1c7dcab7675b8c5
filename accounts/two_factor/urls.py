"""Second-factor pages, mounted under /accounts/two-factor/ (accounts/urls.py)."""

from django.urls import path

from accounts.two_factor import views

app_name = "two_factor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("reset/<uuid:user_id>/", views.reset, name="reset"),
]
