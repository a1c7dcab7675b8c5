"""Allowed status changes of an admission request (core.transitions moves them): the shelter
answers once, and the answer is final (a new need is a new request)."""

from core.transitions import Transitions
from shelters.models import AdmissionRequestStatus as S

ADMISSION_REQUEST = Transitions({S.PENDING: {S.ACCEPTED, S.DECLINED}})
