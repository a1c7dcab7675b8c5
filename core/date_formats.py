"""How dates are typed into every form, in both languages: day first with a four-digit year
(two digits are ambiguous for a birth date), or ISO. core.pages.DateField reads these, and so
does a plain forms.DateField through each language's DATE_INPUT_FORMATS (config/formats).
No imports: the format modules load it early."""

DAY_FIRST_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"]
