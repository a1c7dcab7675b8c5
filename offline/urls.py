from django.urls import path

from offline import api, views

app_name = "offline"
urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("devices/", views.device_list, name="devices"),
    path("devices/<uuid:device_id>/wipe/", views.device_wipe, name="device-wipe"),
    path("api/reference", api.reference, name="api-reference"),
    path("api/session", api.session, name="api-session"),
    path("api/devices", api.device_register, name="api-device-register"),
    path("api/devices/status", api.device_status, name="api-device-status"),
    path("api/cases", api.cases, name="api-cases"),
    path("api/take", api.take, name="api-take"),
    path("api/sync", api.sync_writes, name="api-sync"),
    path("api/sync/photo", api.sync_photo, name="api-sync-photo"),
]
