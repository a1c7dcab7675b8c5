"""The project's URL conf with the partner API and token page mounted, for the partner tests
(`@pytest.mark.urls("tests.referrals.partner_urls")`). Once config/urls.py mounts them itself
this module adds nothing and is the project's URL conf unchanged."""

from django.urls import URLResolver, include, path

from config import urls as project
from referrals.partner import urls as partner

_api_mounted = any(
    isinstance(p, URLResolver) and getattr(p.urlconf_module, "__name__", p.urlconf_module) == partner.__name__
    for p in project.api_v1
)
_pages_mounted = any(
    isinstance(p, URLResolver) and p.urlconf_name is partner.page_urlpatterns for p in project.urlpatterns
)

api_v1 = list(project.api_v1)
if not _api_mounted:
    api_v1.append(path("partner/", include("referrals.partner.urls")))

urlpatterns = [
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    *[p for p in project.urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "v1")],
]
if not _pages_mounted:
    urlpatterns.append(path("partner/tokens/", include(partner.page_urlpatterns)))
