from rest_framework.routers import DefaultRouter

from shelters.api import reports, views
from shelters.imports.api import RegisterImportViewSet

router = DefaultRouter()
router.register("shelters", views.ShelterViewSet, basename="shelter")
router.register("stays", views.StayViewSet, basename="stay")
router.register("beds", views.BedViewSet, basename="bed")
router.register("bed-outages", views.BedOutageViewSet, basename="bed-outage")
router.register("non-residential", views.NonResidentialViewSet, basename="non-residential")
router.register("admission-requests", views.AdmissionRequestViewSet, basename="admission-request")
router.register("register-imports", RegisterImportViewSet, basename="register-import")

router.register("reports", reports.ReportViewSet, basename="report")

urlpatterns = router.urls
