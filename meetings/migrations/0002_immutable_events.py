from django.db import migrations

from workstyle.db import MakeImmutable


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_reports_rectifications")]

    operations = [MakeImmutable("MeetingReportEvent"), MakeImmutable("RectificationEvent")]
