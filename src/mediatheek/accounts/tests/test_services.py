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
