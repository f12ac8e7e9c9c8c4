"""Shared PCs: the session ends with the browser, and the idle warning's keep-alive and log-out."""

import time

import pytest
from django.urls import reverse

from mediatheek.core.middleware import SESSION_SEEN_KEY
from mediatheek.testing import factories as f


@pytest.mark.django_db
def test_the_client_login_cookie_ends_with_the_browser(client, volunteer_a):
    response = client.post(reverse("client:login"), {"username": "balie-a", "password": f.TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


@pytest.mark.django_db
def test_the_portal_login_cookie_ends_with_the_browser(client, uploader_a, school_a):
    url = reverse("portal:login", kwargs={"slug": school_a.slug})
    response = client.post(url, {"username": uploader_a.username, "password": f.TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


@pytest.mark.django_db
def test_a_library_may_keep_the_cookie_after_the_browser_closes(client, volunteer_a, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    response = client.post(reverse("client:login"), {"username": "balie-a", "password": f.TEST_PASSWORD})
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_keep_alive_starts_the_idle_time_again(client, volunteer_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(volunteer_a)
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - 500
    session.save()
    response = client.post(reverse("client:session_keep_alive"))
    assert response.status_code == 200 and response.json() == {"seconds_left": 600}
    assert int(time.time()) - client.session[SESSION_SEEN_KEY] <= 1


@pytest.mark.django_db
def test_keep_alive_is_a_post_for_a_logged_in_client_user(client, volunteer_a):
    assert client.post(reverse("client:session_keep_alive")).status_code == 302  # to the login
    client.force_login(volunteer_a)
    assert client.get(reverse("client:session_keep_alive")).status_code == 405


@pytest.mark.django_db
def test_the_page_tells_the_warning_how_long_the_session_has_left(client, admin_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(admin_a)
    client.get(reverse("client:home"))
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - 30  # the middleware notes a request at most once a minute
    session.save()
    body = client.get(reverse("client:home")).content.decode()
    assert 'role="alertdialog"' in body and 'data-timeout="600"' in body and 'data-warning="60"' in body
    left = int(body.split('data-seconds-left="')[1].split('"')[0])
    assert 568 <= left <= 570


@pytest.mark.django_db
def test_the_login_page_has_no_idle_warning(client):
    assert "idle-warning" not in client.get(reverse("client:login")).content.decode()


@pytest.mark.django_db
def test_the_idle_log_out_ends_the_session_and_says_why(client, volunteer_a):
    client.force_login(volunteer_a)
    response = client.post(reverse("client:session_idle_logout"), follow=True)
    assert "niet actief" in response.content.decode()
    assert client.get(reverse("client:desk")).status_code == 302
