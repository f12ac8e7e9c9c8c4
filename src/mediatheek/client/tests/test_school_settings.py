"""The school's settings in its edit page: retention periods within their limits, the pupils' own password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediatheek.schools.models import School
from mediatheek.testing import factories as f
from mediatheek.web.permissions import SESSION_SCHOOL_KEY


def _form(school, **changes):
    data = {
        "code": school.code,
        "name": school.name,
        "slug": school.slug,
        "kind": school.kind,
        "language": school.language,
        "active": "on",
        "pupils_must_change_password": "on",
        "loan_history_retention_days": "",
        "deregistered_retention_months": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_the_edit_page_explains_the_limits_of_each_setting(client, staff_user, school_a):
    client.force_login(staff_user)
    page = client.get(reverse("client:school_edit", args=[school_a.pk])).content.decode()
    assert "Tussen 30 en 730 dagen" in page and "Tussen 1 en 24 maanden" in page
    assert "kiest de leerling zelf een wachtwoord" in page


@pytest.mark.django_db
def test_staff_set_the_schools_retention_periods_and_the_password_choice(client, staff_user, school_a):
    client.force_login(staff_user)
    response = client.post(
        reverse("client:school_edit", args=[school_a.pk]),
        _form(
            school_a,
            loan_history_retention_days="365",
            deregistered_retention_months="6",
            pupils_must_change_password=None,
        ),
    )
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.loan_history_retention_days == 365 and school_a.loan_history_days == 365
    assert school_a.deregistered_retention_months == 6 and school_a.deregistered_months == 6
    assert school_a.pupils_must_change_password is False


@pytest.mark.django_db
def test_empty_periods_follow_the_library(client, staff_user, school_a):
    client.force_login(staff_user)
    client.post(reverse("client:school_edit", args=[school_a.pk]), _form(school_a))
    school_a.refresh_from_db()
    assert school_a.loan_history_retention_days is None
    assert school_a.loan_history_days == school_a.library.loan_history_retention_days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("loan_history_retention_days", "29"),
        ("loan_history_retention_days", "731"),
        ("deregistered_retention_months", "0"),
        ("deregistered_retention_months", "25"),
        ("deregistered_retention_months", "twaalf"),
    ],
)
def test_a_period_outside_its_limits_is_refused_and_nothing_changes(client, staff_user, school_a, field, value):
    client.force_login(staff_user)
    response = client.post(reverse("client:school_edit", args=[school_a.pk]), _form(school_a, **{field: value}))
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    school_a.refresh_from_db()
    assert getattr(school_a, field) is None


@pytest.mark.django_db
def test_adding_a_school_keeps_the_staff_member_on_their_current_school(client, staff_user):
    current = f.SchoolFactory(code="33CC00", name="Obs Zonnebloem", slug="zonnebloem")
    client.force_login(staff_user)
    assert client.get(reverse("client:home")).status_code == 200
    response = client.post(
        reverse("client:school_add"),
        {"code": "44DD00", "name": "Aaa eerste school", "slug": "aaa", "kind": "primary", "language": "nl"},
    )
    assert response.status_code == 302 and School.objects.filter(code="44DD00").exists()
    assert client.session[SESSION_SCHOOL_KEY] == current.pk


@pytest.mark.django_db
def test_the_portals_privacy_page_tells_the_schools_own_periods(client, school_a):
    school_a.loan_history_retention_days = 365
    school_a.deregistered_retention_months = 6
    school_a.save()
    page = client.get(reverse("portal:privacy", args=[school_a.slug])).content.decode()
    assert "365 dagen na het terugbrengen" in page and "6 maanden nadat de leerling" in page
