"""Reminder pages, mounted under /notifications/ (config/urls.py)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read-all"),
    path("rules/", views.reminder_settings, name="rules"),
]
