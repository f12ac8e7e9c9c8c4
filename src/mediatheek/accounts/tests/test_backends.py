from __future__ import annotations

from typing import Any

import pytest

from mediatheek.accounts.backends import UserBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_the_school_in_one_query(admin_a: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        user = UserBackend().get_user(admin_a.pk)
        assert user is not None and user.school is not None and user.school.pk == admin_a.school_id


def test_an_inactive_or_unknown_user_is_nobody(admin_a: Any) -> None:
    admin_a.is_active = False
    admin_a.save()
    assert UserBackend().get_user(admin_a.pk) is None
    assert UserBackend().get_user(987654) is None
