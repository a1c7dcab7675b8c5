"""Helpers every app's pages share: service errors shown next to form fields, and pagination."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.date_formats import DAY_FIRST_INPUT_FORMATS
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.permissions import Permission

PAGE_SIZE = 25
T = TypeVar("T")
M = TypeVar("M", bound=Model)

# A page counts at most this many rows: past 40 pages of 25 people filter rather than page, and
# counting 10,000 rows of a filtered list of 100,000 cases cost more than showing the page.
COUNT_CAP = 1_000


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        head = self.object_list[: COUNT_CAP + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)


def show_error(form: forms.Form, error: ApplicationError, *, rename: Mapping[str, str] | None = None) -> int:
    """The one way a page shows a service's refusal: each field message next to its field
    (`rename` maps a service's argument name to the form's field name), the rest at the top.
    Returns the status to answer with: 400, 409 when someone else changed the record first, 403
    for a PermissionDenied on an object the user sees (a manager approving a closure they asked
    for), shown on the form so the user reads why. NotFound goes on to become the 404 page."""
    if isinstance(error, NotFound):
        raise error
    if isinstance(error, PermissionDenied):
        form.add_error(None, error.message)
        return error.status_code
    rename = rename or {}
    placed = False
    for name, messages in error.fields.items():
        field = rename.get(name, name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed or not all(rename.get(name, name) in form.fields for name in error.fields):
        form.add_error(None, error.message)
    return error.status_code


class UncountedPaginator(Paginator):
    """Pages without a count: the asked page reads per_page + 1 rows, the extra one saying only
    that a next page exists. For a list whose count costs more than its page: a name search
    (one synthetic family name matched 45,000 people at 720,000, and the capped count was 770
    ms of the page; docs/performance.md)."""

    def __init__(self, object_list: Any, per_page: int, number: Any) -> None:
        super().__init__(object_list, per_page)
        try:
            self.wanted = max(int(number), 1)
        except (TypeError, ValueError):
            self.wanted = 1

    @cached_property
    def head(self) -> list[Any]:
        start = (self.wanted - 1) * self.per_page
        return list(self.object_list[start : start + self.per_page + 1])

    @cached_property
    def count(self) -> int:
        return (self.wanted - 1) * self.per_page + len(self.head)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if number == self.wanted:
            return Page(self.head[: self.per_page], number, self)
        return super().page(number)


def paginate(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE, counted: bool = True) -> Page:
    """One page of a list; a page number out of range gives the last page, not an error.
    Counts stop at COUNT_CAP rows: past that the page says "more than". `counted=False`: no
    count at all, the page only knows whether a next one exists (`page.uncounted`)."""
    number = request.GET.get("page")
    if not counted:
        page = UncountedPaginator(items, per_page, number).get_page(number)
        page.uncounted = True  # type: ignore[attr-defined]
        return page
    page = CappedCountPaginator(items, per_page).get_page(number)
    page.count_capped = page.paginator.count > COUNT_CAP  # type: ignore[attr-defined]
    return page


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def local_name(obj: Any) -> str:
    """A reference row's name in the page's language: `name_lo` in Lao when it has one."""
    if obj is None:
        return ""
    if (translation.get_language() or "").startswith("lo") and getattr(obj, "name_lo", None):
        return str(obj.name_lo)
    return str(getattr(obj, "name_en", obj))


class LocalNameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)


class LocalNameMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)


class DateInput(forms.DateInput):
    """A text box for day/month/year with the format shown beside it. Not `type=date`: Chromium
    shows that in the browser's locale (month first in an en-US browser) whatever the page says,
    and 14/05/2010 typed into it was stored as another day. Numeric keyboard on phones."""

    template_name = "core/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        attrs = {"inputmode": "numeric", "autocomplete": "off", "size": 10, "maxlength": 10, **(attrs or {})}
        super().__init__(attrs, format="%d/%m/%Y")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].setdefault("placeholder", _("dd/mm/yyyy"))
        if widget["attrs"].get("id"):
            hint_id = f"{widget['attrs']['id']}_format"
            described = widget["attrs"].get("aria-describedby")
            widget["attrs"]["aria-describedby"] = f"{described} {hint_id}" if described else hint_id
            widget["hint_id"] = hint_id
        widget["hint"] = _("Day/month/year, for example 14/05/2010")
        return context


class DateField(forms.DateField):
    """A date typed as day/month/year (or ISO), whatever the language and the browser's locale;
    anything else, a month 14 included, is refused with the format in the message."""

    widget = DateInput
    input_formats = DAY_FIRST_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 14/05/2010."),
        "out_of_range": _("Enter a year between 1900 and 2199."),
    }
    # No record of Pathway's is dated outside these years; beyond them, a date plus a day or a
    # year (a consent's expiry, a report's period) would overflow Python's dates.
    earliest, latest = date(1900, 1, 1), date(2199, 12, 31)

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        if day is not None and not self.earliest <= day <= self.latest:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day


def add_errors(form: forms.Form, errors: Mapping[str, list[str]]) -> None:
    """Rule messages by field (a service's checks run from a form's clean) on the form, beside
    the field's own errors, unless the field already has one (a date that did not parse)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            continue
        for message in messages:
            form.add_error(field, message)


# --- Calling a service from a page (shelter, referral and manager pages) ----------------------------
def submit(
    form: forms.Form,
    service: Callable[..., T],
    /,
    *args: Any,
    rename: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> tuple[T | None, int]:
    """Call `service(*args, **kwargs)`. On success: (result, 200). On a refusal: (None, status)
    with the messages on `form` and the status `show_error` gives, so the page is shown again
    with what was typed."""
    try:
        return service(*args, **kwargs), 200
    except ApplicationError as error:
        return None, show_error(form, error, rename=rename)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], tuple[Any, int]],
    saved: Callable[[Any], HttpResponse],
    template: str,
    context: Mapping[str, Any],
) -> HttpResponse:
    """A page of one form: GET shows it; POST checks its shapes (400 with the messages beside the
    fields), then `save(cleaned_data)` (usually `submit(...)`: the service's refusal on the form
    with its status) and, on success, answers `saved(result)` (a message and a redirect)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result, status = save(form.cleaned_data)
            if result is not None:
                return saved(result)
    return render(request, template, {**context, "form": form}, status=status)


def get_or_404(permission: Permission[M], user: Any, queryset: QuerySet[M] | None = None, **lookup: Any) -> M:
    """The object through the permission's scope; missing and not-yours are the same 404."""
    return permission.get(user, queryset, **lookup)
