import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_login_session"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code_hash", models.CharField(max_length=256, verbose_name="hash van de code")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="gemaakt op")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="gebruikt op")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recovery_codes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="account",
                    ),
                ),
            ],
            options={
                "verbose_name": "herstelcode",
                "verbose_name_plural": "herstelcodes",
            },
        ),
    ]
