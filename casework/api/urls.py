from rest_framework.routers import DefaultRouter

from casework.api import (
    assessments,
    attachments,
    flags,
    journey,
    legal,
    links,
    reference,
    repatriation,
    screening,
    views,
)

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("people", views.PersonViewSet, basename="person")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("services", views.ServiceViewSet, basename="service")
router.register("notes", views.NoteViewSet, basename="note")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("attachments", attachments.AttachmentViewSet, basename="attachment")
router.register("screenings", screening.ScreeningViewSet, basename="screening")
router.register("repatriations", repatriation.RepatriationViewSet, basename="repatriation")
router.register("repatriation-steps", repatriation.RepatriationStepViewSet, basename="repatriation-step")
router.register("flags", flags.CaseFlagViewSet, basename="case-flag")
router.register("assessments", assessments.AssessmentViewSet, basename="assessment")
router.register("best-interests", assessments.DeterminationViewSet, basename="best-interests")
router.register("reference/questionnaires", assessments.QuestionnaireViewSet, basename="questionnaire")
router.register("case-groups", links.CaseGroupViewSet, basename="case-group")
router.register("journey", journey.JourneyEventViewSet, basename="journey-event")
router.register("perpetrators", legal.PerpetratorViewSet, basename="perpetrator")
router.register("case-perpetrators", legal.CasePerpetratorViewSet, basename="case-perpetrator")
router.register("proceedings", legal.ProceedingViewSet, basename="proceeding")
router.register("hearings", legal.HearingViewSet, basename="hearing")
router.register("reference/journey-codes", journey.JourneyCodeViewSet, basename="journey-code")
router.register("reference/exploitation-forms", reference.ExploitationFormViewSet, basename="exploitation-form")
router.register("reference/service-types", reference.ServiceTypeViewSet, basename="service-type")
router.register("reference/border-points", reference.BorderPointViewSet, basename="border-point")
router.register("reference/ethnicities", reference.EthnicityViewSet, basename="ethnicity")
router.register("reference/countries", reference.CountryViewSet, basename="country")
router.register("reference/indicators", reference.IndicatorViewSet, basename="indicator")

urlpatterns = router.urls
