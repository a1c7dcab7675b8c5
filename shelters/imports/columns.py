"""The register file's columns: a stable code each (what a program and the reader go by) and a
title in the user's language. The template's header cell is "Title [code]", so a file stays
readable in either language and a header is recognised by its code, its English or its Lao title."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook


@dataclass(frozen=True)
class Column:
    code: str
    title: Promise
    example: str = ""


COLUMNS = (
    Column("register_ref", _("Register number"), "2016-014"),
    Column("given_name_lo", _("Given name (Lao script)")),
    Column("family_name_lo", _("Family name (Lao script)")),
    Column("given_name_latin", _("Given name (Latin letters)"), "Noy"),
    Column("family_name_latin", _("Family name (Latin letters)"), "Phommavong"),
    Column("sex", _("Sex (female, male, other)"), "female"),
    Column("date_of_birth", _("Date of birth"), ""),
    Column("estimated_age", _("Estimated age"), "17"),
    Column("age_estimated_on", _("Age estimated on"), "2016-03-02"),
    Column("category", _("Case category"), "trafficking"),
    Column("identification_route", _("Identified by"), "police"),
    Column("identified_on", _("Identified on"), "2016-03-02"),
    Column("exploitation_forms", _("Forms of exploitation (codes, separated by ;)"), ""),
    Column("admitted_on", _("Admitted on"), "2016-03-04"),
    Column("bed", _("Bed (label, may be empty)"), ""),
    Column("discharged_on", _("Discharged on"), "2016-06-30"),
    Column("exit_destination", _("Destination on discharge"), "family_reunification_home_village"),
    Column("exit_reason", _("Why the person left"), ""),
    Column("assisted_on", _("Assisted without a stay on"), ""),
    Column("assistance_kind", _("Kind of assistance (code)"), ""),
    Column("services", _("Services (codes, separated by ;)"), ""),
    Column("notes", _("Notes on the assistance"), ""),
)
CODES = tuple(column.code for column in COLUMNS)
LANGUAGES = ("en", "lo")
_BRACKETED = re.compile(r"\[([a-z_]+)\]\s*$")


def header(column: Column) -> str:
    return f"{column.title} [{column.code}]"


def code_for(cell: str) -> str | None:
    """The column code a header cell names: "[code]" at its end, the bare code, or a title in
    English or Lao. None for a header we do not know."""
    text = cell.strip()
    bracketed = _BRACKETED.search(text)
    if bracketed and bracketed.group(1) in CODES:
        return bracketed.group(1)
    if text in CODES:
        return text
    for language in LANGUAGES:
        with translation.override(language):
            for column in COLUMNS:
                if text.casefold() == str(column.title).casefold():
                    return column.code
    return None


def template(language: str, fmt: str) -> bytes:
    """An empty register with one example row, its titles in `language`."""
    with translation.override(language):
        titles = [header(column) for column in COLUMNS]
    example = [column.example for column in COLUMNS]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerows([titles, example])
        return out.getvalue().encode("utf-8-sig")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.append(titles)
    sheet.append(example)
    out_bytes = io.BytesIO()
    workbook.save(out_bytes)
    return out_bytes.getvalue()
