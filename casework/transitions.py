"""Allowed status changes in casework (core.transitions.Transitions does the moving)."""

from casework.choices import (
    ApprovalStatus,
    CaseStatus,
    ProceedingStage,
    RepatriationStatus,
    ServiceStatus,
    StepStatus,
    TransferStatus,
)
from core.transitions import Transitions

CASE = Transitions(
    {
        CaseStatus.OPEN: {CaseStatus.ACTIVE, CaseStatus.CLOSED},
        CaseStatus.ACTIVE: {CaseStatus.CLOSED},
        CaseStatus.CLOSED: {CaseStatus.ACTIVE},  # reopened by a manager
    }
)

TRANSFER = Transitions(
    {TransferStatus.PENDING: {TransferStatus.ACCEPTED, TransferStatus.DECLINED, TransferStatus.CANCELLED}}
)

PLAN = Transitions(
    {
        ApprovalStatus.DRAFT: {ApprovalStatus.SUBMITTED},
        ApprovalStatus.RETURNED: {ApprovalStatus.SUBMITTED},
        ApprovalStatus.SUBMITTED: {ApprovalStatus.APPROVED, ApprovalStatus.RETURNED},
        ApprovalStatus.APPROVED: {ApprovalStatus.DRAFT},  # a revision starts a new draft
    }
)

SERVICE = Transitions(
    {
        ServiceStatus.PLANNED: {
            ServiceStatus.IN_PROGRESS,
            ServiceStatus.DONE,
            ServiceStatus.DECLINED,
            ServiceStatus.NOT_AVAILABLE,
        },
        ServiceStatus.IN_PROGRESS: {ServiceStatus.DONE, ServiceStatus.DECLINED, ServiceStatus.NOT_AVAILABLE},
    }
)

REPATRIATION = Transitions(
    {
        RepatriationStatus.IN_PROGRESS: {
            RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS,
            RepatriationStatus.COMPLETED,
            RepatriationStatus.CANCELLED,
        },
        RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS: {RepatriationStatus.IN_PROGRESS, RepatriationStatus.CANCELLED},
    }
)

STEP = Transitions(
    {
        StepStatus.PENDING: {StepStatus.IN_PROGRESS, StepStatus.DONE, StepStatus.BLOCKED, StepStatus.SKIPPED},
        StepStatus.IN_PROGRESS: {StepStatus.DONE, StepStatus.BLOCKED, StepStatus.SKIPPED},
        StepStatus.BLOCKED: {StepStatus.IN_PROGRESS, StepStatus.DONE, StepStatus.SKIPPED},
    }
)

_P = ProceedingStage
# A proceeding moves forward one stage at a time (a stage skipped in practice is passed through
# with its date left empty), may close at any stage (with its outcome), and an appeal returns it
# to a trial, a verdict or a sentence.
PROCEEDING = Transitions(
    {
        _P.COMPLAINT: {_P.INVESTIGATION, _P.CLOSED},
        _P.INVESTIGATION: {_P.PROSECUTION, _P.CLOSED},
        _P.PROSECUTION: {_P.TRIAL, _P.CLOSED},
        _P.TRIAL: {_P.VERDICT, _P.CLOSED},
        _P.VERDICT: {_P.SENTENCE, _P.APPEAL, _P.CLOSED},
        _P.SENTENCE: {_P.COMPENSATION_ORDERED, _P.APPEAL, _P.CLOSED},
        _P.COMPENSATION_ORDERED: {_P.COMPENSATION_PAID, _P.APPEAL, _P.CLOSED},
        _P.COMPENSATION_PAID: {_P.CLOSED},
        _P.APPEAL: {_P.TRIAL, _P.VERDICT, _P.SENTENCE, _P.CLOSED},
    },
    field_name="stage",
)
