from django.db import migrations, models


def mark_old_holds_put_back(apps, schema_editor):
    """Holds closed before this field existed are not listed as still to put back."""
    Reservation = apps.get_model("circulation", "Reservation")
    closed = Reservation.objects.filter(held_copy__isnull=False).exclude(status__in=["waiting", "ready"])
    closed.filter(closed_at__isnull=False).update(put_back_at=models.F("closed_at"))
    closed.filter(closed_at__isnull=True).update(put_back_at=models.F("placed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("circulation", "0003_loanrule_max_reservations"),
    ]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="put_back_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="teruggezet op"),
        ),
        migrations.RunPython(mark_old_holds_put_back, migrations.RunPython.noop),
    ]
