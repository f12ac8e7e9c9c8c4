import pytest
from django.core.management import CommandError, call_command

from mediatheek.accounts.models import Role, User


@pytest.mark.django_db
def test_add_account_reads_the_password_from_a_file(school_a, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("uploaden-mag-2026\n")
    call_command(
        "add_account",
        "uploader",
        "--login",
        "700123",
        "--school",
        school_a.code,
        "--password-file",
        str(secret),
    )
    user = User.objects.get(username="700123")
    assert user.role == Role.UPLOADER and user.school == school_a
    assert user.check_password("uploaden-mag-2026")
    assert not user.must_change_password


@pytest.mark.django_db
def test_add_account_unknown_school(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("uploaden-mag-2026")
    with pytest.raises(CommandError, match="Onbekende school"):
        call_command("add_account", "volunteer", "--login", "x", "--school", "99ZZ99", "--password-file", str(secret))


@pytest.mark.django_db
def test_add_account_duplicate_login(school_a, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("uploaden-mag-2026")
    args = [
        "add_account",
        "volunteer",
        "--login",
        "balie",
        "--school",
        school_a.code,
        "--password-file",
        str(secret),
    ]
    call_command(*args)
    with pytest.raises(CommandError, match="bestaat al"):
        call_command(*args)


@pytest.mark.django_db
def test_add_account_school_role_without_school(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("uploaden-mag-2026")
    with pytest.raises(CommandError, match="--school"):
        call_command("add_account", "school_admin", "--login", "x", "--password-file", str(secret))


@pytest.mark.django_db
def test_add_staff_account(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("bieb-medewerker-1")
    call_command("add_account", "staff", "--login", "anna", "--password-file", str(secret))
    assert User.objects.get(username="anna").can_import_students


@pytest.mark.django_db
def test_add_account_refuses_a_login_that_is_a_patrons_card_number(school_a, school_b, tmp_path):
    from mediatheek.testing.factories import PatronFactory

    pupil = PatronFactory(school=school_b)
    secret = tmp_path / "pw"
    secret.write_text("uploaden-mag-2026")
    args = ["--school", school_a.code, "--password-file", str(secret)]
    with pytest.raises(CommandError, match="pasnummer van een lener"):
        call_command("add_account", "uploader", "--login", pupil.card_number, *args)
    with pytest.raises(CommandError, match="alleen cijfers"):
        call_command("add_account", "volunteer", "--login", "123456", *args)
    assert not User.objects.filter(school=school_a).exists()
