"""Accounts over their life: edit, switch off and on, delete, recover (accounts.services)."""

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts import services
from mediatheek.accounts.models import LoginSession, Role, User
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f


def _session_of(user: User) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "mediatheek.accounts.backends.UserBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    assert store.session_key
    return store.session_key


@pytest.mark.django_db
def test_deactivating_ends_the_sessions_and_keeps_the_account(staff_user, volunteer_a):
    _session_of(volunteer_a)
    services.deactivate_account(account=volunteer_a, by=staff_user)
    volunteer_a.refresh_from_db()
    assert not volunteer_a.is_active
    assert not LoginSession.objects.filter(user_id=volunteer_a.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(volunteer_a.pk), summary__contains="uitgezet").exists()


@pytest.mark.django_db
def test_reactivating_lets_the_account_in_again(staff_user, volunteer_a):
    services.deactivate_account(account=volunteer_a, by=staff_user)
    services.reactivate_account(account=volunteer_a, by=staff_user)
    volunteer_a.refresh_from_db()
    assert volunteer_a.is_active and volunteer_a.check_password(f.TEST_PASSWORD)


@pytest.mark.django_db
def test_nobody_switches_off_their_own_account(staff_user):
    f.staff(username="tweede")
    with pytest.raises(services.AccountRefused, match="eigen account"):
        services.deactivate_account(account=staff_user, by=staff_user)


@pytest.mark.django_db
def test_the_last_active_staff_account_cannot_be_switched_off(staff_user):
    other = f.staff(username="tweede", is_active=False)
    with pytest.raises(services.AccountRefused, match="laatste actieve account"):
        services.deactivate_account(account=staff_user, by=None)
    staff_user.refresh_from_db()
    assert staff_user.is_active and not other.is_active


@pytest.mark.django_db
def test_the_last_active_staff_account_keeps_its_role(staff_user, school_a):
    with pytest.raises(services.AccountRefused, match="laatste actieve account"):
        services.update_account(
            account=staff_user,
            by=staff_user,
            role=Role.SCHOOL_ADMIN,
            school=school_a,
            first_name="",
            last_name="",
            email="",
        )


@pytest.mark.django_db
def test_school_admin_cannot_switch_off_another_schools_account(admin_a, uploader_b):
    with pytest.raises(services.AccountRefused):
        services.deactivate_account(account=uploader_b, by=admin_a)
    uploader_b.refresh_from_db()
    assert uploader_b.is_active


@pytest.mark.django_db
def test_school_admin_cannot_touch_library_staff_or_another_admin(admin_a, staff_user, school_a):
    fellow = f.school_user(Role.SCHOOL_ADMIN, school_a, username="admin-a2")
    assert not services.may_manage(admin_a, staff_user)
    assert not services.may_manage(admin_a, fellow)
    with pytest.raises(services.AccountRefused):
        services.deactivate_account(account=staff_user, by=admin_a)


@pytest.mark.django_db
def test_volunteer_manages_nothing(volunteer_a, uploader_a):
    assert not services.may_manage(volunteer_a, uploader_a)


@pytest.mark.django_db
def test_edit_changes_name_and_email_and_is_audited(admin_a, volunteer_a):
    services.update_account(
        account=volunteer_a,
        by=admin_a,
        role=Role.VOLUNTEER,
        school=None,
        first_name="Els",
        last_name="de Boer",
        email="els@example.nl",
    )
    volunteer_a.refresh_from_db()
    assert (volunteer_a.first_name, volunteer_a.last_name, volunteer_a.email) == ("Els", "de Boer", "els@example.nl")
    assert volunteer_a.school == admin_a.school  # a school admin's accounts stay in its school
    assert AuditEvent.objects.filter(object_id=str(volunteer_a.pk), summary__contains="gewijzigd").exists()


@pytest.mark.django_db
def test_school_admin_cannot_promote_to_library_staff(admin_a, volunteer_a):
    with pytest.raises(services.AccountRefused):
        services.update_account(
            account=volunteer_a, by=admin_a, role=Role.STAFF, school=None, first_name="", last_name="", email=""
        )
    volunteer_a.refresh_from_db()
    assert volunteer_a.role == Role.VOLUNTEER


@pytest.mark.django_db
def test_school_admin_cannot_move_an_account_to_another_school(admin_a, volunteer_a, school_b):
    services.update_account(
        account=volunteer_a, by=admin_a, role=Role.VOLUNTEER, school=school_b, first_name="", last_name="", email=""
    )
    volunteer_a.refresh_from_db()
    assert volunteer_a.school == admin_a.school


@pytest.mark.django_db
def test_a_digits_login_cannot_become_a_client_login(staff_user, uploader_a):
    with pytest.raises(services.LoginReserved):
        services.update_account(
            account=uploader_a,
            by=staff_user,
            role=Role.VOLUNTEER,
            school=uploader_a.school,
            first_name="",
            last_name="",
            email="",
        )


@pytest.mark.django_db
def test_changing_the_role_ends_the_sessions(staff_user, volunteer_a):
    _session_of(volunteer_a)
    services.update_account(
        account=volunteer_a,
        by=staff_user,
        role=Role.SCHOOL_ADMIN,
        school=volunteer_a.school,
        first_name="",
        last_name="",
        email="",
    )
    assert not LoginSession.objects.filter(user_id=volunteer_a.pk).exists()


@pytest.mark.django_db
def test_an_unused_account_can_be_deleted(admin_a, volunteer_a):
    pk = volunteer_a.pk
    services.delete_account(account=volunteer_a, by=admin_a)
    assert not User.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="delete", summary__contains="balie-a").exists()


@pytest.mark.django_db
def test_an_account_with_history_is_not_deleted_and_says_why(admin_a, volunteer_a, school_a):
    f.LoanFactory(copy=f.CopyFactory(school=school_a), checked_out_by=volunteer_a)
    assert services.account_references(volunteer_a)
    with pytest.raises(services.AccountInUse, match="Zet het account uit"):
        services.delete_account(account=volunteer_a, by=admin_a)
    assert User.objects.filter(pk=volunteer_a.pk).exists()


@pytest.mark.django_db
def test_an_account_in_the_audit_log_is_not_deleted(admin_a, volunteer_a):
    from mediatheek.core import audit

    audit.record(AuditEvent.Action.PRINT, actor=volunteer_a, summary="pas afgedrukt")
    with pytest.raises(services.AccountInUse):
        services.delete_account(account=volunteer_a, by=admin_a)


@pytest.mark.django_db
def test_recover_sets_a_password_removes_the_app_and_switches_on(staff_user):
    TOTPDevice.objects.create(user=staff_user, name="app", confirmed=True)
    User.objects.filter(pk=staff_user.pk).update(is_active=False)
    _session_of(staff_user)
    account, password = services.recover_account(login="BIEB")
    account.refresh_from_db()
    assert account.check_password(password) and account.must_change_password and account.is_active
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not LoginSession.objects.filter(user_id=account.pk).exists()
    event = AuditEvent.objects.get(object_id=str(account.pk), summary__contains="hersteld")
    assert event.actor is None and "opdrachtregel" in event.actor_label


@pytest.mark.django_db
def test_recover_with_a_chosen_password_does_not_force_a_change(staff_user):
    account, _password = services.recover_account(login="bieb", password="een-nieuw-lang-wachtwoord")
    assert account.check_password("een-nieuw-lang-wachtwoord") and not account.must_change_password


@pytest.mark.django_db
def test_recover_refuses_an_unknown_login_and_a_weak_password(staff_user):
    with pytest.raises(DomainError):
        services.recover_account(login="niemand")
    with pytest.raises(DomainError):
        services.recover_account(login="bieb", password="123")
