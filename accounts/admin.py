"""Admin for organisations, users, reference geography and the (read-only) audit log.

Admin pages obey the same Permission objects as the API: lists are scoped, rows outside scope
are invisible, and writes go through services where a service exists.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AdminUserCreationForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions, services
from accounts.actors import signed_in
from accounts.models import AuditEvent, District, Organisation, Province, User
from core.errors import ApplicationError
from core.pages import CappedCountPaginator
from core.permissions import Permission


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and rights come from a view and a change Permission."""

    view_permission: Permission[Any]
    change_permission: Permission[Any] | None = None

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return self.view_permission.scope(request.user, super().get_queryset(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.view_permission.allows(request.user, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.change_permission is not None and self.change_permission.allows(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing in Pathway is hard-deleted from the admin


class ReferenceAdmin(ScopedAdmin):
    view_permission = permissions.view_organisation
    change_permission = permissions.change_organisation


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin):
    list_display = ["number", "code", "name_en", "name_lo"]
    search_fields = ["name_en", "name_lo", "code"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return Province.objects.all()


@admin.register(District)
class DistrictAdmin(ReferenceAdmin):
    list_display = ["code", "name_en", "name_lo", "province"]
    list_filter = ["province"]
    search_fields = ["name_en", "name_lo", "code"]
    list_select_related = ["province"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return District.objects.select_related("province")


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    list_display = ["name_en", "code", "kind", "province", "is_active", "two_factor_required"]
    list_filter = ["kind", "province", "is_active", "two_factor_required"]
    search_fields = ["name_en", "name_lo", "code"]
    list_select_related = ["province"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        """Changes go through the service (permission, validation, audit row)."""
        if change:
            services.organisation_update(actor=signed_in(request), organisation=obj, fields=form.changed_data)
        else:
            super().save_model(request, obj, form, change)


# One way in: the admin's own login form would skip the sign-in rate limit per address, so it
# sends the visitor to Pathway's login page (then back); axes and the second factor apply as usual.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

# Devices are never edited here (the secret would show, unaudited): a user enrols on their own
# page, and an administrator resets a lost one from the user's admin page (audited, with a reason).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class UserAddForm(AdminUserCreationForm):
    """The admin's "Add user" asks for what the database and user_create require: an organisation (only a
    superuser, made on the command line, stands outside one) and roles it allows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        try:
            services.check_roles(cleaned.get("roles") or [], cleaned.get("organisation"))
        except ApplicationError as error:
            for field, messages in error.fields.items():
                self.add_error(field, messages)
        return cleaned


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    view_permission = permissions.view_user
    change_permission = permissions.change_user
    add_form = UserAddForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Pathway", {"fields": ("organisation", "roles", "language")}),
    )
    list_display = ["username", "organisation", "roles", "is_active", "last_login"]
    list_filter = ["organisation__kind", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Pathway", {"fields": ("organisation", "roles", "language", "two_factor")}),
    )
    readonly_fields = ["two_factor"]

    @admin.display(description=gettext_lazy("Second factor"))
    def two_factor(self, obj: User) -> str:
        if obj.pk is None:
            return "-"
        state = (
            _("authenticator app set up") if TOTPDevice.objects.filter(user=obj, confirmed=True).exists() else _("none")
        )
        return format_html('{} · <a href="{}">{}</a>', state, reverse("two_factor:reset", args=[obj.pk]), _("Reset"))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A new account is made by the service (permission, validation, audit row)."""
        if change:
            super().save_model(request, obj, form, change)
            return
        organisation = obj.organisation
        assert organisation is not None  # UserAddForm requires one
        created = services.user_create(
            actor=signed_in(request),
            username=obj.username,
            organisation=organisation,
            roles=obj.roles,
            password=form.cleaned_data["password1"] if form.cleaned_data["set_usable_password"] else None,
            language=obj.language,
            validate_password_strength=False,  # the form has checked it, with its own messages
        )
        obj.pk, obj.password, obj._state.adding = created.pk, created.password, False


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    """Built for the largest table (docs/audit.md): newest first by the primary key (at, id),
    a count that stops at COUNT_CAP, no date drill-down or filter whose choices would need a
    pass over every row, and a search for one record's id through the (type, id, at) index."""

    view_permission = permissions.view_auditevent
    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["object_id"]
    search_help_text = gettext_lazy("The id of one record (a case, a person, a referral, a user)")
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        if not search_term.strip():
            return queryset, False
        types = sorted(model._meta.label_lower for model in apps.get_models())
        return queryset.filter(object_type__in=types, object_id=search_term.strip()), False
