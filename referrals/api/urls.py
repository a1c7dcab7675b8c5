from rest_framework.routers import SimpleRouter

from referrals.api import directory, views

# SimpleRouter: no API root view of its own (the versioned API has one).
router = SimpleRouter()
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("consent-overrides", views.ConsentOverrideViewSet, basename="consent-override")
router.register("directory", directory.DirectoryViewSet, basename="directory")
router.register("webhooks", views.WebhookViewSet, basename="webhook")

urlpatterns = router.urls
