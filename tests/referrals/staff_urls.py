"""The project's URL conf with the staff referral API mounted, for the staff API tests
(`@pytest.mark.urls("tests.referrals.staff_urls")`). Once config/urls.py mounts it itself this
module adds nothing and is the project's URL conf unchanged."""

from django.urls import URLResolver, include, path

from config import urls as project

_mounted = any(
    isinstance(p, URLResolver) and getattr(p.urlconf_module, "__name__", p.urlconf_module) == "referrals.api.urls"
    for p in project.api_v1
)

api_v1 = list(project.api_v1)
if not _mounted:
    api_v1.append(path("", include("referrals.api.urls")))

urlpatterns = [
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    *[p for p in project.urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "v1")],
]
