"""deactivate_account, reactivate_account and recover_account."""

import pytest
from django.core.management import CommandError, call_command

from mediatheek.accounts.models import User
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f


@pytest.mark.django_db
def test_deactivate_and_reactivate_from_the_command_line(volunteer_a, capsys):
    call_command("deactivate_account", "balie-a")
    volunteer_a.refresh_from_db()
    assert not volunteer_a.is_active and "switched off" in capsys.readouterr().out
    call_command("deactivate_account", "balie-a", "--reactivate")
    volunteer_a.refresh_from_db()
    assert volunteer_a.is_active


@pytest.mark.django_db
def test_reactivate_account_command(volunteer_a):
    User.objects.filter(pk=volunteer_a.pk).update(is_active=False)
    call_command("reactivate_account", "BALIE-A")
    volunteer_a.refresh_from_db()
    assert volunteer_a.is_active
    assert AuditEvent.objects.get(summary__contains="weer aangezet").actor_label == "opdrachtregel (reactivate_account)"


@pytest.mark.django_db
def test_the_last_staff_account_is_not_switched_off_from_the_command_line(staff_user):
    with pytest.raises(CommandError, match="laatste actieve account"):
        call_command("deactivate_account", "bieb")


@pytest.mark.django_db
def test_unknown_login(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("deactivate_account", "niemand")


@pytest.mark.django_db
def test_recover_account_prints_a_new_password_once(staff_user, capsys):
    call_command("recover_account", "bieb")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    staff_user.refresh_from_db()
    assert staff_user.check_password(password) and staff_user.must_change_password


@pytest.mark.django_db
def test_recover_account_from_a_password_file(staff_user, tmp_path, capsys):
    secret = tmp_path / "pw"
    secret.write_text("herstel-wachtwoord-2026\n")
    call_command("recover_account", "bieb", "--password-file", str(secret))
    staff_user.refresh_from_db()
    assert staff_user.check_password("herstel-wachtwoord-2026") and not staff_user.must_change_password
    assert "herstel-wachtwoord-2026" not in capsys.readouterr().out


@pytest.mark.django_db
def test_recover_account_refuses_a_patron_login(school_a):
    patron = f.PatronFactory(school=school_a)
    f.patron_login(patron)
    with pytest.raises(CommandError):
        call_command("recover_account", patron.card_number)
