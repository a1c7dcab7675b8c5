"""Top-level routes: pages, the versioned API, its schema, health probes and the admin."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import views as account_views
from casework.views.dashboard import dashboard
from core.api.schema import CachedSchemaGenerator
from referrals.partner import urls as partner_urls

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("casework.api.urls")),
    path("", include("shelters.api.urls")),
    path("", include("referrals.api.urls")),
    path("", include("national_statistics.api.urls")),
    path("", include("documents.api")),
    path("", include("crossborder.staff_api")),
    path("partner/", include("referrals.partner.urls")),
]

# The API documentation pages run Swagger UI and Redoc from our own static files (the pinned
# drf-spectacular-sidecar package: they work without internet), and both style their elements
# inline: only these two developer pages allow inline styles and Redoc's blob: worker.
# (Swagger's split view serves its start-up script from our own URL, not inline.)
api_docs_policy = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})

urlpatterns = [
    path("", dashboard, name="home"),
    path("cases/", include("casework.urls")),
    path("cases/", include("documents.urls")),
    path("accounts/", include("accounts.urls")),
    path("healthz", login_not_required(account_views.healthz), name="healthz"),
    path("readyz", login_not_required(account_views.readyz), name="readyz"),
    path("partner/", include(partner_urls.page_urlpatterns)),
    path("shelters/", include("shelters.urls")),
    path("notifications/", include("notifications.urls")),
    path("statistics/", include("national_statistics.urls")),
    path("referrals/", include("referrals.urls")),
    path("crossborder/", include("crossborder.urls")),
    path("manage/", include("casework.manager_urls")),
    path("offline/", include("offline.urls")),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(generator_class=CachedSchemaGenerator), name="schema"),
    path(
        "api/schema/swagger/", api_docs_policy(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger"
    ),
    path(
        "api/schema/redoc/",
        api_docs_policy(SpectacularRedocView.as_view(url_name="schema", template_name="api_docs/redoc.html")),
        name="redoc",
    ),
    # The language switch is on the login page too.
    path("i18n/setlang/", login_not_required(account_views.language_switch), name="set_language"),
    path("admin/", admin.site.urls),
]

# A database that does not answer is a 503 with Retry-After, not a 500 (core/error_pages.py).
handler500 = "core.error_pages.server_error"
# A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, on /api/ in the API's JSON error shape.
handler400 = "core.error_pages.bad_request"
