"""What a printed document is made of, whatever it is printed to (the print page or a PDF): a
title, the case it belongs to, sections of (label, value) rows already filtered for the reader,
and the signature blocks of a record signed on screen."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]]
    empty: str = ""  # shown when there is no row (e.g. "No stay recorded.")


@dataclass(frozen=True)
class SignatureBlock:
    """A signature on the document (or the blank line to sign on, when `signer` is empty)."""

    label: str
    signer: str = ""
    role: str = ""
    signed_at: str = ""
    seal: str = ""  # the SHA-256 stored at signing time
    sealed: bool = True  # False: the record changed after it was signed
    image: bytes | None = None  # the drawn signature, a PNG
    paper: bool = False  # signed on paper: the scan is kept with the case's files


@dataclass(frozen=True)
class Document:
    kind: str  # case_summary, referral_letter, repatriation_file, consent_form
    title: str
    case_code: str
    sections: list[Section]
    signatures: list[SignatureBlock] = field(default_factory=list)
    intro: str = ""  # a letter's opening paragraph
    printed: str = ""  # "Printed on ... by ..."

    def filename(self) -> str:
        return f"{self.case_code}-{self.kind.replace('_', '-')}.pdf"


def seal_of(content: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical content: keys sorted, no spaces, dates as ISO text."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
