"""Bringing a shelter's paper registers into Pathway (issue 18, item 3; docs/import.md).

A manager uploads a spreadsheet of historic residents and people assisted without a stay. Every
row goes through the same services as a form would (casework.services.cases.case_open,
shelters.services stay_admit / stay_discharge / non_residential_record), so each rule is
written once: a dry run runs them all in a transaction that is rolled back, and an accepted
import runs them again in one transaction that is kept only if every row passed.

- columns.py: the file's columns (stable codes, English and Lao titles) and the template.
- reading.py: CSV and XLSX to rows keyed by column code.
- models.py: RegisterImport (one upload) and RegisterImportRow (what each row created).
- services.py: import_check, import_run, import_undo.
- tasks.py: the Celery task for files too large to run while the page waits.
- views.py: the pages.
"""
