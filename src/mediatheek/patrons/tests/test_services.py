import datetime as dt
from typing import Any

import pytest

from mediatheek.accounts.models import Role, User
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.patrons import services
from mediatheek.patrons.cardnumbers import is_valid_card_number
from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import GroupFactory, PatronFactory, patron_login, school_user


def details(**kwargs):
    return services.PatronDetails(**{"last_name": "Visser", "first_name": "Noor", **kwargs})


@pytest.mark.django_db
def test_create_patron_allocates_a_card_number_and_takes_the_year_level_of_the_group(school_a, admin_a):
    group = GroupFactory(school=school_a, name="Groep 6A", year_level=6)
    patron = services.create_patron(school=school_a, details=details(group=group), by=admin_a)
    assert is_valid_card_number(patron.card_number)
    assert patron.year_level == 6 and patron.is_active and patron.enrolled_on is not None
    assert AuditEvent.objects.filter(action="create", object_id=str(patron.pk)).exists()


@pytest.mark.django_db
def test_create_teacher_with_a_typed_card_number(school_a):
    patron = services.create_patron(
        school=school_a, details=details(kind=Patron.Kind.TEACHER), card_number=" 12345678 "
    )
    assert patron.card_number == "12345678" and patron.kind == "teacher" and patron.group is None


@pytest.mark.django_db
def test_typed_card_number_must_be_unique_in_the_whole_library(school_a, school_b, uploader_a):
    PatronFactory(school=school_b, card_number="55550001", last_name="Anderschool")
    with pytest.raises(DomainError) as error:
        services.create_patron(school=school_a, details=details(), card_number="55550001")
    assert "al in gebruik" in str(error.value) and "Anderschool" not in str(error.value)
    # A login name (the uploader logs in with a card-number-like name) is taken as well.
    with pytest.raises(DomainError):
        services.create_patron(school=school_a, details=details(), card_number=uploader_a.username)
    with pytest.raises(DomainError):
        services.create_patron(school=school_a, details=details(), card_number="12 34")
    assert not Patron.objects.filter(school=school_a).exists()


@pytest.mark.django_db
def test_group_of_another_school_is_refused(school_a, school_b):
    with pytest.raises(DomainError):
        services.create_patron(school=school_a, details=details(group=GroupFactory(school=school_b)))


@pytest.mark.django_db
def test_student_number_unique_per_school(school_a, school_b):
    PatronFactory(school=school_a, student_number="777")
    with pytest.raises(DomainError):
        services.create_patron(school=school_a, details=details(student_number="777"))
    assert services.create_patron(school=school_b, details=details(student_number="777")).pk


@pytest.mark.django_db
def test_update_patron_logs_field_names_and_renames_the_login(school_a, admin_a):
    patron = PatronFactory(school=school_a, last_name="Oud", email="")
    account = patron_login(patron)
    data = services.PatronDetails(**{name: getattr(patron, name) for name in services.PatronDetails.FIELDS})
    data.last_name = "Nieuw"
    data.email = "noor@example.nl"
    services.update_patron(patron=patron, details=data, new_card_number=True, by=admin_a)
    patron.refresh_from_db()
    account.refresh_from_db()
    assert patron.last_name == "Nieuw" and account.username == patron.card_number
    event = AuditEvent.objects.filter(action="update", object_id=str(patron.pk)).latest("id")
    assert set(event.detail["fields"]) == {"last_name", "email", "card_number"}
    assert "Nieuw" not in event.summary  # names of fields, not personal values


@pytest.mark.django_db
def test_update_without_changes_writes_nothing(school_a):
    patron = PatronFactory(school=school_a)
    data = services.PatronDetails(**{name: getattr(patron, name) for name in services.PatronDetails.FIELDS})
    services.update_patron(patron=patron, details=data, card_number=patron.card_number)
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.django_db
def test_deregister_and_reactivate(school_a):
    patron = PatronFactory(school=school_a)
    services.deregister(patron=patron)
    assert patron.status == Patron.Status.DEREGISTERED and patron.deregistered_on
    with pytest.raises(DomainError):
        services.deregister(patron=patron)
    services.reactivate(patron=patron)
    assert patron.is_active and patron.deregistered_on is None


@pytest.mark.django_db
def test_portal_logins_are_created_or_reset_with_a_random_password(school_a, admin_a):
    school_a.pupils_must_change_password = True
    school_a.save()
    group = GroupFactory(school=school_a)
    fresh: Any = PatronFactory(school=school_a, group=group, birth_date=dt.date(2015, 3, 4))
    known: Any = PatronFactory(school=school_a, group=group)
    old = patron_login(known)
    logins = services.issue_portal_logins(school=school_a, patrons=[fresh, known], by=admin_a)
    assert [login.created for login in logins] == [True, False]
    for login in logins:
        user = User.objects.get(patron=login.patron)
        assert user.username == login.patron.card_number and user.role == Role.PATRON
        assert user.school == school_a and user.must_change_password
        assert user.check_password(login.password)
        for part in ("2015", "0304", "04-03", "15"):
            assert part not in login.password
    assert User.objects.get(pk=old.pk).patron == known
    assert logins[0].password != logins[1].password


@pytest.mark.django_db
def test_portal_login_follows_the_schools_choice_on_changing_the_password(school_a):
    school_a.pupils_must_change_password = False
    school_a.save()
    pupil: Any = PatronFactory(school=school_a)
    [login] = services.issue_portal_logins(school=school_a, patrons=[pupil])
    assert not User.objects.get(username=login.username).must_change_password


@pytest.mark.django_db
def test_portal_login_skipped_when_the_card_number_is_someone_elses_login(school_a):
    patron: Any = PatronFactory(school=school_a)
    school_user(Role.UPLOADER, school_a, username=patron.card_number)
    result = services.issue_portal_logins(school=school_a, patrons=[patron])
    assert list(result) == []
    assert result.conflicts == [patron]
    assert not User.objects.filter(patron=patron).exists()


@pytest.mark.django_db
def test_portal_logins_refuse_a_patron_of_another_school(school_a, school_b):
    with pytest.raises(DomainError):
        other: Any = PatronFactory(school=school_b)
        services.issue_portal_logins(school=school_a, patrons=[other])
