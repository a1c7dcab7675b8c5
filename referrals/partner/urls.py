"""Routes of the partner API (`urlpatterns`, mounted at /api/v1/partner/ inside the versioned
API) and of the pages where a partner organisation manages its access (`page_urlpatterns`,
mounted at /partner/: API tokens and webhooks)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from referrals.partner import pages, views, webhook_pages

# SimpleRouter: no API root view of its own (the versioned API has one).
router = SimpleRouter()
router.register("referrals", views.PartnerReferralViewSet, basename="partner-referral")
router.register("events", views.PartnerEventViewSet, basename="partner-event")

urlpatterns = router.urls

page_urlpatterns = [
    path("tokens/", pages.token_page, name="partner-tokens"),
    path("webhooks/", webhook_pages.webhook_page, name="partner-webhooks"),
]
