"""A public number for every complaint (Open311's service_request_id): added empty, filled with a
fresh random value per existing row, then made unique and required. Not one transaction: on
PostgreSQL a table whose rows were just updated cannot be altered in the same transaction while
deferred constraint checks are pending, so each step commits on its own (the fill in one go).
"""

from django.db import migrations, models

import complaints.models


def fill_public_ids(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    taken = set()
    for complaint in Complaint.objects.filter(public_id__isnull=True).only("pk").iterator():
        value = complaints.models.new_public_id()
        while value in taken:
            value = complaints.models.new_public_id()
        taken.add(value)
        Complaint.objects.filter(pk=complaint.pk).update(public_id=value)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0004_identity_access_expires"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="public_id",
            field=models.CharField(editable=False, max_length=16, null=True, verbose_name="public number"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="complaint",
            name="public_id",
            field=models.CharField(
                default=complaints.models.new_public_id,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="public number",
            ),
        ),
    ]
