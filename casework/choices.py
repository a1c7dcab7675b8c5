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


# --- Perpetrators and legal proceedings (issue 20.4; HTCDS v2.0 where it has the values) -------
class PerpetratorRole(models.TextChoices):
    """A perpetrator's role in the process (HTCDS per_RoleInProcess, all 15: PERPETRATOR_ROLE_HTCDS)."""

    RECRUITER = "recruiter", _("Recruiter or intermediary")
    BROKER = "broker", _("Broker or travel agent")
    TRAVELLING_PARTNER = "travelling_partner", _("Travelled with her")
    TRANSPORTER = "transporter", _("Transporter")
    TRANSFERRED = "transferred", _("Transferred her")
    HARBOURED = "harboured", _("Harboured her")
    SOLD = "sold", _("Sold her")
    BOUGHT = "bought", _("Bought her")
    RECEIVED = "received", _("Received her")
    CONTROLLED = "controlled", _("Controlled her")
    SMUGGLER = "smuggler", _("Smuggler")
    ABUSER = "abuser", _("Abuser")
    KIDNAPPER = "kidnapper", _("Kidnapper")
    EXPLOITER = "exploiter", _("Exploiter")
    OTHER = "other", _("Other")


PERPETRATOR_ROLE_HTCDS = {
    "recruiter": "RecruiterOrIntermediary",
    "broker": "BrokerTravelAgent",
    "travelling_partner": "TravellingPartner",
    "transporter": "Transporter",
    "transferred": "TransferredIndividual",
    "harboured": "HarbouredIndividual",
    "sold": "SoldIndividual",
    "bought": "BoughtIndividual",
    "received": "ReceivedIndividual",
    "controlled": "ControlledIndividual",
    "smuggler": "Smuggler",
    "abuser": "Abuser",
    "kidnapper": "Kidnapper",
    "exploiter": "Exploiter",
    "other": "Other",
}


class AgeBand(models.TextChoices):
    """A perpetrator's age as a witness can tell it (no birth date is kept)."""

    UNDER_18 = "under_18", _("Under 18")
    FROM_18 = "18_29", _("18 to 29")
    FROM_30 = "30_44", _("30 to 44")
    FROM_45 = "45_59", _("45 to 59")
    FROM_60 = "60_plus", _("60 or older")
    UNKNOWN = "unknown", _("Not known")


class PerpetratorRelation(models.TextChoices):
    """Who the perpetrator was to this victim; RELATION_HTCDS gives vic_RelationshipToTrafficker."""

    FAMILY = "family", _("Family member")
    PARTNER = "partner", _("Spouse, partner or boyfriend")
    FRIEND = "friend", _("Friend")
    NEIGHBOUR = "neighbour", _("Neighbour or from the same village")
    EMPLOYER = "employer", _("Employer")
    ACQUAINTANCE = "acquaintance", _("Someone she knew")
    STRANGER = "stranger", _("Stranger")
    UNKNOWN = "unknown", _("Not known")


RELATION_HTCDS = {
    "family": "Familial",
    "partner": "Familial",
    "friend": "Acquainted",
    "neighbour": "Acquainted",
    "employer": "Acquainted",
    "acquaintance": "Acquainted",
    "stranger": "Unaquainted",  # the standard's spelling
}


class ProceedingStage(models.TextChoices):
    """Where a criminal case against the perpetrators stands (transitions.PROCEEDING)."""

    COMPLAINT = "complaint", _("Complaint filed")
    INVESTIGATION = "investigation", _("Police investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    VERDICT = "verdict", _("Verdict")
    SENTENCE = "sentence", _("Sentence")
    COMPENSATION_ORDERED = "compensation_ordered", _("Compensation ordered")
    COMPENSATION_PAID = "compensation_paid", _("Compensation paid")
    APPEAL = "appeal", _("Appeal")
    CLOSED = "closed", _("Closed")


class ProceedingOutcome(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DROPPED = "dropped", _("Charges dropped or investigation closed")
    WITHDRAWN = "withdrawn", _("Complaint withdrawn")
    OTHER = "other", _("Other")


class VictimSupport(models.TextChoices):
    """Support given to the victim as a witness (Anti-Trafficking Law: legal aid, interpreter, protection)."""

    INTERPRETER = "interpreter", _("Interpreter")
    LEGAL_AID = "legal_aid", _("Legal aid or a lawyer")
    PROTECTION = "protection", _("Protection measures")
    ACCOMPANIMENT = "accompaniment", _("Accompanied to the police or court")
    CLOSED_HEARING = "closed_hearing", _("Heard in private or by video")
    TRAVEL = "travel", _("Travel and living costs paid")
    COUNSELLING = "counselling", _("Counselling before or after testifying")
    SHELTER = "shelter", _("Shelter during the proceedings")


class HearingKind(models.TextChoices):
    INTERVIEW = "interview", _("Police or prosecutor interview")
    PRELIMINARY = "preliminary", _("Preliminary hearing")
    TRIAL = "trial", _("Trial hearing")
    VERDICT = "verdict", _("Verdict")
    APPEAL = "appeal", _("Appeal hearing")
    OTHER = "other", _("Other")


class AssessmentKind(models.TextChoices):
    """The forms a case is assessed with, again and again (docs/assessments.md)."""

    NEEDS = "needs", _("Needs")
    RISK = "risk", _("Risk")
    WELLBEING = "wellbeing", _("Psychosocial wellbeing")
    BEST_INTERESTS = "best_interests", _("Best-interests assessment")


class AssessmentVisibility(models.TextChoices):
    """Which existing tier rule a questionnaire's answers follow (casework/permissions.py)."""

    CASE = "case", _("Whoever sees the case (tier 2)")
    HEALTH = "health", _("Health: never police")
    SENSITIVE = "sensitive", _("Counselling: the assigned counsellor only (tier 3)")


class AnswerKind(models.TextChoices):
    CHOICE = "choice", _("One of a list")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Short text")


class Scoring(models.TextChoices):
    NONE = "", _("Not scored")
    SUM = "sum", _("Sum of the answers' points")
    WHO5 = "who5", _("WHO-5: raw score x 4, from 0 to 100")


class BestInterestsDecision(models.TextChoices):
    """What a best-interests determination panel decides for a child (docs/assessments.md)."""

    RETURN_TO_FAMILY = "return_to_family", _("Return to the family")
    PLACEMENT = "placement", _("Long-term placement (shelter, kinship or foster care)")
    NOT_YET = "not_yet", _("No return or placement yet: assess again")


class LinkKind(models.TextChoices):
    """How linked cases belong together (issue 20.5); every kind is symmetric: a link holds the
    same for each case in it, so a link is a group of cases (two or more)."""

    SIBLING = "sibling", _("Siblings")
    FAMILY = "family", _("Family")
    TRAVELLED_TOGETHER = "travelled_together", _("Travelled together")
    RETURNED_TOGETHER = "returned_together", _("Returned together")
    SAME_PERPETRATOR = "same_perpetrator", _("Same perpetrator")
