import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


def drop_plain_tokens(apps, schema_editor):
    """rest_framework.authtoken kept every token as it is sent, readable by anyone who reads the
    database or a backup. Those tokens cannot be turned into hashed ones without keeping them, so
    they are dropped with their table: their users ask for a new token. Its migration records go
    too, so that the app could be installed again from scratch."""
    quote = schema_editor.quote_name
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {quote('authtoken_token')}")
    schema_editor.execute(f"DELETE FROM {quote('django_migrations')} WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):

    dependencies = [
        ('workstyle', '0002_groups_and_immutable_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, default='', max_length=100, verbose_name='name')),
                ('key_id', models.CharField(max_length=16, unique=True, verbose_name='identifier')),
                ('digest', models.CharField(max_length=64, verbose_name='digest')),
                ('created_at', models.DateTimeField(verbose_name='created')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('revoked_because', models.CharField(blank=True, choices=[('holder', 'revoked by its holder'), ('administrator', 'revoked by an administrator'), ('logout', 'its holder logged out'), ('password_change', "its holder's password changed")], default='', max_length=32, verbose_name='revoked because')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ('-created_at', '-id'),
                'constraints': [models.CheckConstraint(condition=django.db.models.lookups.Exact(django.db.models.functions.text.Length('digest'), 64), name='api_token_digest_is_sha256'), models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='api_token_expires'), models.CheckConstraint(condition=models.Q(models.Q(('revoked_at__isnull', True), ('revoked_because', '')), models.Q(('revoked_at__isnull', False), models.Q(('revoked_because', ''), _negated=True)), _connector='OR'), name='api_token_revoked_with_reason')],
            },
        ),
        migrations.RunPython(drop_plain_tokens, migrations.RunPython.noop),
    ]
