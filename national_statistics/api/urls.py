from rest_framework.routers import DefaultRouter

from national_statistics.api import views

router = DefaultRouter()
router.register("statistics/htcds", views.HtcdsExportViewSet, basename="htcds-export")
router.register("statistics", views.StatisticsViewSet, basename="statistics")

urlpatterns = router.urls
