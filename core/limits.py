"""How much one field may hold, for the API's serializers and the pages' forms alike: free text
and lists are bounded so that a client cannot store a million-character note or ten thousand
language codes. The OpenAPI schema shows each bound (maxLength, maxItems)."""

TEXT_MAX_LENGTH = 20_000  # notes, summaries, plans: a long report, typed or pasted
REASON_MAX_LENGTH = 2_000  # a reason, a decision's justification, a short note
CODE_MAX_LENGTH = 100  # a code or id naming reference data (province, organisation, service type)
LIST_MAX_ITEMS = 50  # codes chosen from a list (languages, service types, data categories)
