from django.db import migrations

from workstyle.db import MakeImmutable


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [MakeImmutable("CaseEvent")]
