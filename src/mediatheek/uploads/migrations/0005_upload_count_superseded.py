import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0004_upload_import_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="studentupload",
            name="student_count",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="aantal leerlingen in het bestand"),
        ),
        migrations.AddField(
            model_name="studentupload",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="uploads.studentupload",
                verbose_name="vervangen door",
            ),
        ),
    ]
