from django.db import migrations

from workstyle.db import MakeImmutable

CATEGORIES = (
    "inaction", "arbitrary_charges", "special_funds", "small_treasury", "land_compensation", "sewage",
    "allowances", "fine_quotas", "reception", "official_cars", "luxurious_offices", "overseas_travel",
    "democratic_centralism", "gambling", "associations", "relatives_business", "other",
)


def create_policies(apps, schema_editor):
    CategoryPolicy = apps.get_model("complaints", "CategoryPolicy")
    for code in CATEGORIES:
        CategoryPolicy.objects.get_or_create(category=code)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        MakeImmutable("ComplaintEvent"),
        migrations.RunPython(create_policies, migrations.RunPython.noop),
    ]
