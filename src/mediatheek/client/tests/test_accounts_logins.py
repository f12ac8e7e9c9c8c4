"""The client's accounts page refuses logins reserved for patrons' card numbers (issue #12, item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediatheek.accounts.models import User
from mediatheek.testing.factories import PatronFactory

pytestmark = pytest.mark.django_db


def test_a_digits_only_volunteer_login_is_a_form_error_on_the_login_field(client, admin_a):
    client.force_login(admin_a)
    response = client.post(reverse("client:account_add"), {"role": "volunteer", "login": "123456"})
    assert response.status_code == 200
    assert "alleen cijfers" in " ".join(response.context["form"].errors.get("login", []))
    assert not User.objects.filter(username="123456").exists()


def test_an_upload_login_that_is_a_pupils_card_number_is_refused_even_for_library_staff(
    client, staff_user, school_a, school_b
):
    pupil = PatronFactory(school=school_b)
    client.force_login(staff_user)
    response = client.post(
        reverse("client:account_add"), {"role": "uploader", "login": pupil.card_number, "school": school_a.pk}
    )
    assert response.status_code == 200
    assert "pasnummer van een lener" in " ".join(response.context["form"].errors.get("login", []))
    assert not User.objects.filter(username=pupil.card_number).exists()
    # A number that is nobody's card stays a fine upload login.
    ok = client.post(reverse("client:account_add"), {"role": "uploader", "login": "900077", "school": school_a.pk})
    assert ok.status_code == 302 and User.objects.filter(username="900077", school=school_a).exists()
