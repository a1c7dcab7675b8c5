"""Date formats per language (FORMAT_MODULE_PATH). Both languages read and write day/month/year."""

# Day first with a four-digit year (two digits are ambiguous for a birth date), or ISO: what
# every form's date field accepts (core.pages.DateField, and a plain forms.DateField through
# DATE_INPUT_FORMATS below).
DAY_FIRST_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"]
