"""As ``zh_Hans``: ISO first, then the Chinese ways of writing a date, then the American ones."""

from workstyle.formats.zh_Hans.formats import DATE_INPUT_FORMATS as CHINESE_DATES
from workstyle.formats.zh_Hans.formats import DATETIME_INPUT_FORMATS as CHINESE_DATETIMES

DATE_INPUT_FORMATS = [*CHINESE_DATES, "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%d %b %Y", "%B %d %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [*CHINESE_DATETIMES, "%m/%d/%Y %H:%M", "%m/%d/%Y"]
