from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("studentimport", "0002_change_run_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrun",
            name="errors",
            field=models.PositiveIntegerField(default=0, verbose_name="aantal regels met fouten"),
        ),
    ]
