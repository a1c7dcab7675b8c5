"""The statistics' summaries (docs/statistics.md, "Summaries"): true counts of distinct persons
per (scope, measure, grid, year, value) and the CTDC-style histogram per scope, rebuilt together
in one transaction by `services.refresh_summaries` (beat, every STATISTICS_REFRESH_SECONDS).
They hold counts only, never a person, and are never shown as they are: every read applies
the same small-cell protection as the raw counts (tables.py, ctdc.py).

A scope is '' (every case) or an organisation's id (the cases owned by it and the units below
it, as a manager counts them): distinct persons do not add up across organisations, so each
subtree keeps its own counts."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class SummaryCell(models.Model):
    """Persons of a measure in one year with one value of a grid's breakdown. `grid` is the
    breakdown, then its filters (`sex|age_group=child|category=trafficking`); the year's total
    has no breakdown (`''`, or `|` and the filters). `value` is '' when not recorded."""

    scope = models.CharField(max_length=36)
    measure = models.CharField(max_length=20)
    grid = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    value = models.CharField(max_length=200)
    persons = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["scope", "measure", "grid", "year"], name="summarycell_lookup")]


SEPARATOR = "\t"  # never in a CTDC value


class CtdcCell(models.Model):
    """Persons per combination of the CTDC-style export's finest published values (ctdc.coarse,
    in the order of ctdc.VARIABLES, joined by SEPARATOR); the generalisation and the suppression run on them at read
    time."""

    scope = models.CharField(max_length=36)
    values = models.TextField(help_text="The values joined by tabs (read faster than an array)")
    persons = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["scope"], name="ctdccell_scope")]


class SummaryState(models.Model):
    """The one row that says when the summaries were counted (the data's age on the page), how
    long it took, and the years they cover (a request outside them counts the raw rows)."""

    counted_at = models.DateTimeField()
    seconds = models.FloatField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()


class CtdcRelease(models.Model):
    """The CTDC-style export of one scope as the recount left it: the k-anonymous combinations
    (ctdc.anonymise of the scope's CtdcCell rows, with the k and the share allowed to be
    suppressed of that moment), made in the recount's transaction so the first export after it
    reads them as every later one does instead of generalising the histogram again."""

    scope = models.CharField(max_length=36, unique=True)
    k = models.PositiveSmallIntegerField()
    max_suppressed = models.FloatField()
    levels = ArrayField(models.PositiveSmallIntegerField())
    persons = models.PositiveIntegerField()
    suppressed = models.PositiveIntegerField()
    classes = models.JSONField(help_text="[[values joined by tabs, persons], ...] of the published combinations")
