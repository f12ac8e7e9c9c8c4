"""Who sees and makes which accounts (the rules behind the client's account pages)."""

from __future__ import annotations

import pytest

from mediatheek.accounts.models import Role
from mediatheek.accounts.queries import find_accounts, staff_second_factors, visible_accounts
from mediatheek.accounts.services import roles_made_by, school_of_new_accounts
from mediatheek.testing.factories import PatronFactory, patron_login

pytestmark = pytest.mark.django_db


def test_a_school_admin_sees_only_their_schools_non_staff_logins(staff_user, admin_a, admin_b, volunteer_a):
    patron_login(PatronFactory(school=admin_a.school))
    assert set(visible_accounts(admin_a)) == {admin_a, volunteer_a}
    assert set(visible_accounts(staff_user)) == {staff_user, admin_a, admin_b, volunteer_a}  # never pupils' logins
    assert list(find_accounts(staff_user, "balie")) == [volunteer_a]


def test_a_school_admin_makes_desk_and_upload_logins_for_their_own_school(staff_user, admin_a):
    assert roles_made_by(admin_a) == (Role.VOLUNTEER, Role.UPLOADER)
    assert school_of_new_accounts(admin_a) == admin_a.school
    assert Role.STAFF in roles_made_by(staff_user) and school_of_new_accounts(staff_user) is None


def test_staff_second_factor_lists_staff_accounts_only(staff_user, admin_a):
    rows = staff_second_factors()
    assert [(row.account, row.has_device) for row in rows] == [(staff_user, False)]
