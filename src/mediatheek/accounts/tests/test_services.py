import pytest

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.services import create_account
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent


@pytest.mark.django_db
def test_generated_password_is_returned_once_and_must_be_changed(school_a):
    user, password = create_account(role=Role.UPLOADER, login="700100", school=school_a)
    assert password and user.check_password(password)
    assert user.must_change_password


@pytest.mark.django_db
def test_chosen_password_need_not_be_changed(school_a):
    user, password = create_account(role=Role.VOLUNTEER, login="balie", school=school_a, password="een-goed-wachtwoord")
    assert password is None
    assert not user.must_change_password


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(school_a):
    user, _ = create_account(role=Role.VOLUNTEER, login="balie", school=school_a, password="een-goed-wachtwoord")
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_duplicate_login_is_refused_case_insensitively(school_a):
    create_account(role=Role.VOLUNTEER, login="Balie", school=school_a, password="een-goed-wachtwoord")
    with pytest.raises(DomainError):
        create_account(role=Role.VOLUNTEER, login="balie", school=school_a, password="een-goed-wachtwoord")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_school_role_needs_a_school():
    with pytest.raises(DomainError):
        create_account(role=Role.VOLUNTEER, login="balie", school=None, password="een-goed-wachtwoord")


@pytest.mark.django_db
def test_weak_password_is_refused(school_a):
    with pytest.raises(DomainError):
        create_account(role=Role.VOLUNTEER, login="balie", school=school_a, password="12345678")


@pytest.mark.django_db
def test_account_creation_is_audited(school_a):
    create_account(role=Role.UPLOADER, login="700100", school=school_a)
    assert AuditEvent.objects.filter(action="create", school=school_a).exists()


@pytest.mark.django_db
def test_argon2id_with_owasp_parameters(school_a):
    user, _ = create_account(role=Role.VOLUNTEER, login="balie2", school=school_a, password="een-goed-wachtwoord")
    algorithm, variety, version, params, _salt, _hash = user.password.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    assert params == "m=19456,t=2,p=1"


# --- logins that look like card numbers are reserved for patrons (issue #12, item 5) ---


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER])
def test_a_client_login_of_digits_only_is_refused(school_a, role):
    from mediatheek.accounts.services import LoginReserved

    with pytest.raises(LoginReserved, match="alleen cijfers"):
        create_account(role=role, login="2000001234", school=school_a, password="een-goed-wachtwoord")
    assert not User.objects.filter(username="2000001234").exists()
    create_account(role=role, login="balie2", school=school_a, password="een-goed-wachtwoord")  # letters: fine


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.UPLOADER, Role.VOLUNTEER])
def test_no_login_may_be_the_card_number_of_a_patron_of_any_school(school_a, school_b, role):
    from mediatheek.accounts.services import LoginReserved
    from mediatheek.testing.factories import PatronFactory

    theirs = PatronFactory(school=school_b, card_number="AB1234" if role == Role.VOLUNTEER else "7001234")
    for login in (theirs.card_number, theirs.card_number.lower()):
        with pytest.raises(LoginReserved, match="pasnummer van een lener"):
            create_account(role=role, login=login, school=school_a, password="een-goed-wachtwoord")
    assert not User.objects.filter(school=school_a).exists()
    # What stays allowed: an upload login that is nobody's card number, and a patron's own login.
    uploader, _ = create_account(role=Role.UPLOADER, login="900012", school=school_a, password="een-goed-wachtwoord")
    assert uploader.username == "900012"
    user, _ = create_account(role=Role.PATRON, login=theirs.card_number, school=school_b, password="een-goed-w8")
    assert user.username == theirs.card_number


# --- sessions carry their user; ending them ---


@pytest.mark.django_db
def test_the_session_store_keeps_the_user_id_with_each_session(client, volunteer_a, admin_a):
    from mediatheek.accounts.models import LoginSession
    from mediatheek.testing.factories import TEST_PASSWORD

    # Through the configured SESSION_ENGINE: a real login, then a logout.
    client.post("/client/inloggen/", {"username": volunteer_a.username, "password": TEST_PASSWORD})
    row = LoginSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == volunteer_a.pk
    assert client.session["_auth_user_id"] == str(volunteer_a.pk)
    client.post("/client/uitloggen/")
    assert not LoginSession.objects.filter(user_id=volunteer_a.pk).exists()


@pytest.mark.django_db
def test_end_sessions_deletes_the_users_sessions_but_the_kept_one(volunteer_a, admin_a):
    from django.test import Client

    from mediatheek.accounts.models import LoginSession
    from mediatheek.accounts.services import end_sessions

    clients = [Client() for _ in range(3)]
    for one in clients:
        one.force_login(volunteer_a)
    other = Client()
    other.force_login(admin_a)
    keep = clients[0].session.session_key
    assert end_sessions(volunteer_a, keep=keep) == 2
    assert list(LoginSession.objects.filter(user_id=volunteer_a.pk).values_list("session_key", flat=True)) == [keep]
    assert LoginSession.objects.filter(user_id=admin_a.pk).count() == 1


@pytest.mark.django_db
def test_a_reset_by_staff_ends_the_accounts_sessions(volunteer_a, staff_user):
    from django.test import Client

    from mediatheek.accounts.models import LoginSession
    from mediatheek.accounts.services import reset_password

    desk, office = Client(), Client()
    desk.force_login(volunteer_a)
    office.force_login(staff_user)
    reset_password(user=volunteer_a, by=staff_user)
    assert not LoginSession.objects.filter(user_id=volunteer_a.pk).exists()
    # Resetting one's own account leaves the session that must still show the new password.
    reset_password(user=staff_user, by=staff_user)
    assert LoginSession.objects.filter(user_id=staff_user.pk).count() == 1
