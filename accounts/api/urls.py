from rest_framework.routers import DefaultRouter

from accounts.api import views

router = DefaultRouter()
router.register("provinces", views.ProvinceViewSet, basename="province")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = router.urls
