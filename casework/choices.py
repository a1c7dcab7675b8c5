"""Enumerations the casework workflow depends on (code enums, per docs/design/domain.md).

Lists an administrator should extend without a migration (exploitation forms, services,
indicators, border points) are reference tables in models.py instead. Values follow IOM's
HTCDS v2.0 where it has them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    # HTCDS prs_Gender maps Feminine/Masculine/NonSpecifiedUnknown onto these.
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / unknown")


class CaseCategory(models.TextChoices):
    """The shelters' own counting categories (their annual tables)."""

    TRAFFICKING = "trafficking", _("Human trafficking")
    RISK_GROUP = "risk_group", _("Risk group")
    RAPE = "rape", _("Rape")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    CHILD_LABOUR = "child_labour", _("Child labour")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    VULNERABLE = "vulnerable", _("Vulnerable / street child")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Reintegrated")
    TRANSFERRED = "transferred", _("Transferred")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECLINED = "declined", _("Declined further help")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")


class IdentificationRoute(models.TextChoices):
    POLICE = "police", _("Identified by police")
    BORDER_POLICE = "border_police", _("Identified by border police")
    IMMIGRATION = "immigration", _("Identified by immigration")
    VILLAGE_AUTHORITY = "village_authority", _("Village authority")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    HOTLINE_1362 = "hotline_1362", _("Hotline 1362")
    NGO = "ngo", _("NGO")
    RETURNED_UNDER_MOU = "returned_under_mou", _("Returned from abroad under an MOU")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Legal guardian")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


# --- Screening (COMMIT / Palermo) ---------------------------------------------------------------
class Element(models.TextChoices):
    ACT = "act", _("Act")
    MEANS = "means", _("Means")
    PURPOSE = "purpose", _("Purpose (exploitation)")


class Dimension(models.TextChoices):
    """The six dimensions of the ILO/EC operational indicators (2009)."""

    DECEPTIVE_RECRUITMENT = "deceptive_recruitment", _("Deceptive recruitment")
    COERCIVE_RECRUITMENT = "coercive_recruitment", _("Coercive recruitment")
    RECRUIT_ABUSE_VULNERABILITY = "recruit_abuse_vulnerability", _("Recruitment by abuse of vulnerability")
    EXPLOITATION = "exploitation", _("Exploitative conditions")
    COERCION_DESTINATION = "coercion_destination", _("Coercion at destination")
    VULNERABILITY_DESTINATION = "vulnerability_destination", _("Abuse of vulnerability at destination")


class Strength(models.TextChoices):
    STRONG = "strong", _("Strong")
    MEDIUM = "medium", _("Medium")
    WEAK = "weak", _("Weak")


class AppliesTo(models.TextChoices):
    ADULT = "adult", _("Adults")
    CHILD = "child", _("Children")
    BOTH = "both", _("Adults and children")


class ExploitationKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    SEXUAL = "sexual", _("Sexual")
    BOTH = "both", _("Labour and sexual")


class ScreeningPlace(models.TextChoices):
    BORDER_OFFICE = "border_office", _("Border office")
    VILLAGE_OFFICE = "village_office", _("Village office")
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    SHELTER = "shelter", _("Shelter")
    POLICE_STATION = "police_station", _("Police station")
    ABROAD = "abroad", _("Abroad")


class ScreeningOutcome(models.TextChoices):
    """HTCDS trafficking_status, plus the COMMIT 'needs further assessment'."""

    POSSIBLE_VICTIM = "possible_victim", _("Possible victim")
    ACTUAL_VICTIM = "actual_victim", _("Actual victim (confirmed)")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")
    NEEDS_FURTHER_ASSESSMENT = "needs_further_assessment", _("Needs further assessment")


class DecidingBody(models.TextChoices):
    """HTCDS status_decision_org: who confirmed an actual victim."""

    POLICE = "police", _("Police")
    COURT_OR_PROSECUTION = "court_or_prosecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = "non_police_government", _("Government social services (MLSW/LWU)")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")


# --- Services, notes, plans --------------------------------------------------------------------
class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Refused by the person")
    NOT_AVAILABLE = "not_available", _("Not available")


class Wellbeing(models.TextChoices):
    """How the person is doing at a follow-up visit, as the worker judges it."""

    GOOD = "good", _("Doing well")
    FAIR = "fair", _("Some difficulties")
    POOR = "poor", _("Struggling")
    AT_RISK = "at_risk", _("At risk: act now")


class Tier(models.IntegerChoices):
    METADATA = 1, _("Tier 1: case metadata")
    IDENTITY = 2, _("Tier 2: identity")
    SENSITIVE = 3, _("Tier 3: sensitive (counselling, medical)")


class NoteKind(models.TextChoices):
    GENERAL = "general", _("General")
    COUNSELLING = "counselling", _("Counselling")
    MEDICAL = "medical", _("Medical")
    LEGAL = "legal", _("Legal")


class SupportPlanType(models.TextChoices):
    """HTCDS support_plan.type."""

    EDUCATION = "education", _("Education")
    FINANCIAL = "financial", _("Financial")
    HEALTH = "health", _("Health")
    LABOUR_REHABILITATION = "labour_exploitation_rehabilitation", _("Recovery from labour exploitation")
    LEGAL = "legal", _("Legal")
    LIVELIHOOD = "livelihood", _("Livelihood")
    RIGHTS_TRAINING = "rights_based_training", _("Rights-based training")
    SEXUAL_REHABILITATION = "sexual_exploitation_rehabilitation", _("Recovery from sexual exploitation")
    SOCIAL_CARE = "social_care", _("Social care")


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving organisation")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# --- Repatriation ------------------------------------------------------------------------------
class RepatriationFlow(models.TextChoices):
    THAILAND_MOU = "thailand_mou", _("From Thailand (2005 MOU)")
    CHINA = "china", _("From China")
    OTHER_COUNTRY = "other_country", _("From another country")


class RepatriationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_LEGAL_PROCEEDINGS = "awaiting_legal_proceedings", _("Waiting for legal proceedings abroad")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    SKIPPED = "skipped", _("Skipped")


class FamilyAssessment(models.TextChoices):
    SAFE = "safe", _("Safe to return")
    UNSAFE = "unsafe", _("Unsafe")
    NOT_FOUND = "not_found", _("Family not found")


class ReturnDestination(models.TextChoices):
    FAMILY = "family", _("Return to family")
    SHELTER = "shelter", _("Placement in a shelter")


class CancellationReason(models.TextChoices):
    VICTIM_DECLINED = "victim_declined", _("The person declined")
    STAY_IN_DESTINATION = "stay_in_destination", _("Stays in the destination country")
    THIRD_COUNTRY = "third_country", _("Resettled in a third country")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class JourneyStage(models.TextChoices):
    """The stages of a trafficking journey (HTCDS hte_Type: Recruitment, Transit, Exploitation;
    Exit is Pathway's own)."""

    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSIT = "transit", _("Route and transit")
    EXPLOITATION = "exploitation", _("Exploitation")
    EXIT = "exit", _("Exit")


class CodeList(models.TextChoices):
    """The code lists of the journey (casework.JourneyCode): HTCDS v2.0 field each one codes."""

    RECRUITMENT_METHOD = "recruitment_method", _("How she was recruited")
    RELATIONSHIP = "relationship", _("Relationship to the recruiter")
    RECRUITER_ROLE = "recruiter_role", _("Role of the recruiter")
    APP = "app", _("Website or app")
    EXPLOITATION_TYPE = "exploitation_type", _("Form of exploitation")
    LABOUR_INDUSTRY = "labour_industry", _("Sector")
    SEX_EXPLOITATION_TYPE = "sex_exploitation_type", _("Form of sexual exploitation")
    METHOD_OF_CONTROL = "method_of_control", _("Conditions and means of control")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality")
    EXIT_KIND = "exit_kind", _("How she got out")


class RiskLevel(models.TextChoices):
    """How grave a risk flag on a case is; an urgent one alerts the case's worker and managers."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class LinkKind(models.TextChoices):
    """How linked cases belong together (issue 20.5); every kind is symmetric: a link holds the
    same for each case in it, so a link is a group of cases (two or more)."""

    SIBLING = "sibling", _("Siblings")
    FAMILY = "family", _("Family")
    TRAVELLED_TOGETHER = "travelled_together", _("Travelled together")
    RETURNED_TOGETHER = "returned_together", _("Returned together")
    SAME_PERPETRATOR = "same_perpetrator", _("Same perpetrator")
