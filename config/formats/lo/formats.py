"""Dates in Lao pages: day/month/year (the Gregorian calendar, as Lao government forms use)."""

from core.date_formats import DAY_FIRST_INPUT_FORMATS

DATE_FORMAT = "j/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = DAY_FIRST_INPUT_FORMATS
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
FIRST_DAY_OF_WEEK = 1
