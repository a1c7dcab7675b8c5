"""Hostile values for the fuzz and probe tests: SQL injection, HTML/script injection, template
syntax, odd unicode, NUL, huge and malformed numbers and dates."""

SQL = ["' OR 1=1--", "'; DROP TABLE casework_case; --", '" OR ""="', "1) OR (1=1", "%' OR '%'='"]
HTML = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
]
ODD = ["ສົມສີ ວົງໄຊ 😀", "\u202eevil\u200b", "a\x00b", "\x00", "   ", "a" * 5000, "%00", "../../etc/passwd"]
NUMBERS = ["-1", "0", "99999999999999999999", "1e309", "NaN", "0x1F", "١٢"]
DATES = ["2026-02-30", "0000-00-00", "9999-12-31", "0001-01-01", "31/12/2026", "2026-13-01", "yesterday"]
ALL = SQL + HTML + ODD + NUMBERS + DATES


def nested(depth: int) -> str:
    """A JSON body `depth` levels deep ({"a": [{"a": [...]}]}): Python's decoder overflows
    its stack near 1,000 levels, and anything deep reaches serializers and the database."""
    return '{"a": [' * (depth // 2) + "0" + "]}" * (depth // 2)


# Request bodies every JSON endpoint must refuse with a 400 (core.api.parsers).
DEEP_BODIES = [nested(1_000), nested(100_000), nested(200)]
