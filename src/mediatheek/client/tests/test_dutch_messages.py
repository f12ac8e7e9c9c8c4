"""Django's own messages (password rules, form errors) in Dutch on a Dutch page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediatheek.testing.factories import TEST_PASSWORD


def _change(client, new, **headers):
    data = {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    return client.post(reverse("client:password_change"), data, **headers).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", [None, "nl-NL,nl;q=0.9"])
def test_password_rules_speak_dutch_on_a_dutch_page(client, admin_a, accept_language):
    client.force_login(admin_a)
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    page = _change(client, "abc", **headers)
    assert "Dit wachtwoord is te kort: het moet minstens 8 tekens lang zijn." in page
    assert "Dit wachtwoord is te algemeen." in page  # Django's own Dutch catalogue
    assert "too short" not in page and "too common" not in page
    page = _change(client, "83729104658", **headers)
    assert "Dit wachtwoord bevat alleen cijfers." in page
