"""Cross-border pages and the peers' endpoint, mounted under /crossborder/ (config/urls.py)."""

from django.urls import path

from crossborder import api, views

app_name = "crossborder"

urlpatterns = [
    path("", views.transfers, name="transfers"),
    path("api/messages/", api.messages, name="messages"),
    path("api/directory/", api.directory, name="directory-feed"),
    path("peers/", views.peers, name="peers"),
    path("peers/<uuid:pk>/deactivate/", views.peer_deactivate, name="peer-deactivate"),
    path("peers/<uuid:pk>/directory/<slug:action>/", views.peer_directory, name="peer-directory"),
    path("held/", views.held, name="held"),
    path("held/<uuid:pk>/<slug:action>/", views.resolve, name="resolve"),
    path("refer/<uuid:case_pk>/", views.refer, name="refer"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/<slug:action>/", views.act, name="act"),
]
