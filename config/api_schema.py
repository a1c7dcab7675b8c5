"""drf-spectacular's settings (SPECTACULAR_SETTINGS), kept out of settings.py for their length:
mostly the name of each choice list in the OpenAPI schema, so that clients generate one type each."""

API_SCHEMA_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Pathway API",
    "DESCRIPTION": "Case management for shelters and victim referral. Every list is scoped to the caller.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One schema enum per TextChoices class, named after it (clients generate one type each).
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"{module}.{name}"
        for module, names in {
            "accounts.models": ["OrganisationKind", "Role", "Language", "AuditAction"],
            "shelters.choices": ["ExitDestination", "ExitGroup"],
            "referrals.choices": ["ConsentGivenBy", "DataCategory", "Urgency", "ReferralStatus"],
            "casework.models.attachments": ["AttachmentKind", "AttachmentTier"],
            "casework.choices": [
                "Sex",
                "CaseCategory",
                "CaseStatus",
                "ClosureReason",
                "IdentificationRoute",
                "Relationship",
                "Element",
                "Dimension",
                "Strength",
                "AppliesTo",
                "ExploitationKind",
                "ScreeningPlace",
                "ScreeningOutcome",
                "DecidingBody",
                "ServiceStatus",
                "NoteKind",
                "SupportPlanType",
                "ApprovalStatus",
                "TransferStatus",
                "RepatriationFlow",
                "RepatriationStatus",
                "StepStatus",
                "Tier",
                "FamilyAssessment",
                "ReturnDestination",
                "CancellationReason",
                "JourneyStage",
                "PerpetratorRole",
                "AgeBand",
                "PerpetratorRelation",
                "ProceedingStage",
                "ProceedingOutcome",
                "VictimSupport",
                "HearingKind",
                "LinkKind",
            ],
            "shelters.imports.models": ["ImportStatus", "ImportRowStatus"],
        }.items()
        for name in names
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.omittable_fields_not_required",
        "core.api.schema.document_error_answers",
    ],
}
