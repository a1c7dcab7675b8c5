"""The fields of a step of the trafficking journey: which ones each stage records, the code list
of each coded one (casework.JourneyCode) and their labels, for the service, the forms, the
page and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.choices import CodeList, JourneyStage

COMMON_FIELDS = ("country", "place", "started_on", "ended_on", "crossed_border", "border_point", "irregular_crossing")
# The fields each stage records beside the common ones, and the code list of each coded field.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    JourneyStage.RECRUITMENT: ("recruitment_methods", "recruiter_relationship", "recruiter_roles", "apps", "promise"),
    JourneyStage.TRANSIT: (),
    JourneyStage.EXPLOITATION: (
        "exploitation_types",
        "labour_industry",
        "sex_exploitation_types",
        "methods_of_control",
        "forced_criminality",
        "apps",
    ),
    JourneyStage.EXIT: ("exit_kind",),
}
CODED: dict[str, str] = {
    "recruitment_methods": CodeList.RECRUITMENT_METHOD,
    "recruiter_relationship": CodeList.RELATIONSHIP,
    "recruiter_roles": CodeList.RECRUITER_ROLE,
    "apps": CodeList.APP,
    "exploitation_types": CodeList.EXPLOITATION_TYPE,
    "labour_industry": CodeList.LABOUR_INDUSTRY,
    "sex_exploitation_types": CodeList.SEX_EXPLOITATION_TYPE,
    "methods_of_control": CodeList.METHOD_OF_CONTROL,
    "forced_criminality": CodeList.FORCED_CRIMINALITY,
    "exit_kind": CodeList.EXIT_KIND,
}
ALL_FIELDS = ("stage", *COMMON_FIELDS, *CODED, "promise")

LABELS = {
    "country": _("Country"),
    "place": _("Place (town, district or province)"),
    "started_on": _("From"),
    "ended_on": _("Until"),
    "crossed_border": _("A border was crossed"),
    "border_point": _("Border crossing point"),
    "irregular_crossing": _("Crossed irregularly (not at a checkpoint, or without documents)"),
    "recruitment_methods": _("How she was recruited"),
    "recruiter_relationship": _("Who recruited her"),
    "recruiter_roles": _("Role of the recruiter"),
    "apps": _("Websites or apps used"),
    "promise": _("What she was promised"),
    "exploitation_types": _("Form of exploitation"),
    "labour_industry": _("Sector"),
    "sex_exploitation_types": _("Form of sexual exploitation"),
    "methods_of_control": _("Conditions and means of control"),
    "forced_criminality": _("Forced criminality (for example scam compounds)"),
    "exit_kind": _("How she got out"),
}
