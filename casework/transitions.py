"""Allowed status changes in casework (core.transitions.Transitions does the moving)."""

from casework.choices import (
    ApprovalStatus,
    CaseStatus,
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
