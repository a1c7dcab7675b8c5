"""Casework models, one module per part of the domain."""

from casework.models.assessments import (
    Assessment,
    BestInterestsDetermination,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from casework.models.assistance import CaseNote, CasePlan, CasePlanGoal, CasePlanVersion, FollowUpVisit, Service
from casework.models.attachments import Attachment, AttachmentKind, AttachmentTier
from casework.models.cases import BreakGlassGrant, Case, CaseEvent, CaseShare, CaseTransfer
from casework.models.flags import CaseFlag
from casework.models.journey import JourneyCode, JourneyEvent
from casework.models.legal import CasePerpetrator, Hearing, LegalProceeding, Perpetrator
from casework.models.links import CaseGroup, CaseGroupMember
from casework.models.people import PERSON_IDENTITY_FIELDS, CaseCodeCounter, FamilyMember, Person
from casework.models.reference import (
    BorderPoint,
    ElementThreshold,
    Ethnicity,
    ExploitationForm,
    FollowUpPolicy,
    Indicator,
    ServiceType,
)
from casework.models.repatriation import Repatriation, RepatriationStep
from casework.models.screening import Screening, ScreeningIndicator

__all__ = [
    "PERSON_IDENTITY_FIELDS",
    "Assessment",
    "Attachment",
    "AttachmentKind",
    "AttachmentTier",
    "BestInterestsDetermination",
    "BorderPoint",
    "BreakGlassGrant",
    "Case",
    "CaseCodeCounter",
    "CaseEvent",
    "CaseFlag",
    "CaseGroup",
    "CaseGroupMember",
    "CaseNote",
    "CasePerpetrator",
    "CasePlan",
    "CasePlanGoal",
    "CasePlanVersion",
    "CaseShare",
    "CaseTransfer",
    "ElementThreshold",
    "Ethnicity",
    "ExploitationForm",
    "FamilyMember",
    "FollowUpPolicy",
    "FollowUpVisit",
    "Hearing",
    "Indicator",
    "JourneyCode",
    "JourneyEvent",
    "LegalProceeding",
    "Perpetrator",
    "Person",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "Repatriation",
    "RepatriationStep",
    "Screening",
    "ScreeningIndicator",
    "Service",
    "ServiceType",
]
