"""Client pages for leestips and weetjes: school admins write for their school, library staff also for all."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mediatheek.reading.models import Fact, ReadingTip
from mediatheek.testing.factories import TitleFactory
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile("tip.png", buffer.getvalue(), content_type="image/png")


def test_admin_writes_a_leestip_with_picture_and_books_that_shows_on_the_portal(client, admin_a, school_a):
    title = TitleFactory(title="Dolfje", isbn="9789025860424")
    client.force_login(admin_a)
    assert "Leestips" in client.get("/client/leestips/").content.decode()
    response = client.post(
        "/client/leestips/leestips/nieuw/",
        {
            "heading": "Lees Dolfje!",
            "body": "Een **weerwolf** die niet eng is.",
            "picture": _png(),
            "picture_alt": "Een wolf in pyjama",
            "title_refs": f"978-90-258-6042-4\n{title.pk}",
            "year_level_from": "3",
            "year_level_to": "5",
            "publish_from": "2020-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()
    tip = ReadingTip.objects.get()
    assert tip.school == school_a and list(tip.titles.all()) == [title] and tip.picture
    client.logout()
    body = client.get("/alfa/leestips/").content.decode()
    assert "Lees Dolfje!" in body and "<strong>weerwolf</strong>" in body and "Een wolf in pyjama" in body
    picture = client.get(f"/alfa/leestips/{tip.pk}/afbeelding/")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert client.get(f"/beta/leestips/{tip.pk}/afbeelding/").status_code == 404


def test_picture_needs_a_description_and_must_be_an_image(client, admin_a):
    client.force_login(admin_a)
    body = client.post(
        "/client/leestips/weetjes/nieuw/", {"heading": "x", "picture": _png(), "publish_from": "2020-01-01"}
    ).content.decode()
    assert "Beschrijf de afbeelding" in body
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    body = client.post(
        "/client/leestips/weetjes/nieuw/",
        {"heading": "x", "picture": fake, "picture_alt": "x", "publish_from": "2020-01-01"},
    ).content.decode()
    assert not Fact.objects.exists() and "field-error" in body


def test_unknown_book_is_reported(client, admin_a):
    client.force_login(admin_a)
    body = client.post(
        "/client/leestips/leestips/nieuw/", {"heading": "x", "title_refs": "9999999", "publish_from": "2020-01-01"}
    ).content.decode()
    assert "Onbekend boek" in body and not ReadingTip.objects.exists()


def test_only_staff_may_write_for_all_schools(client, admin_a, staff_user, school_a):
    client.force_login(admin_a)
    assert "Voor alle scholen" not in client.get("/client/leestips/weetjes/nieuw/").content.decode()
    client.post("/client/leestips/weetjes/nieuw/", {"heading": "a", "library_wide": "on", "publish_from": "2020-01-01"})
    assert Fact.objects.get().school == school_a
    client.force_login(staff_user)
    client.post("/client/leestips/weetjes/nieuw/", {"heading": "b", "library_wide": "on", "publish_from": "2020-01-01"})
    assert Fact.objects.get(heading="b").school is None
    assert "b" in client.get("/beta/weetjes/").content.decode()


def test_volunteer_cannot_write(client, volunteer_a):
    client.force_login(volunteer_a)
    assert client.get("/client/leestips/").status_code == 403


def test_admin_of_b_cannot_see_edit_or_delete_a_content(client, admin_a, admin_b, school_a, staff_user):
    tip = ReadingTip.objects.create(school=school_a, heading="Geheime tip van Alfa")
    wide = Fact.objects.create(school=None, heading="Voor iedereen")
    client.force_login(admin_b)
    assert "Geheime tip van Alfa" not in client.get("/client/leestips/").content.decode()
    assert_refused(client, admin_b, f"/client/leestips/leestips/{tip.pk}/", secret="Geheime tip van Alfa")
    assert_refused(client, admin_b, f"/client/leestips/leestips/{tip.pk}/verwijderen/", method="post")
    assert_refused(client, admin_b, f"/client/leestips/weetjes/{wide.pk}/verwijderen/", method="post")
    assert ReadingTip.objects.filter(pk=tip.pk).exists() and Fact.objects.filter(pk=wide.pk).exists()
    client.force_login(admin_a)
    client.post(f"/client/leestips/leestips/{tip.pk}/verwijderen/")
    assert not ReadingTip.objects.filter(pk=tip.pk).exists()


def test_editor_shows_the_current_picture_through_the_app(client, admin_a, admin_b, school_a):
    client.force_login(admin_a)
    client.post(
        "/client/leestips/weetjes/nieuw/",
        {"heading": "Later", "picture": _png(), "picture_alt": "x", "publish_from": "2099-01-01"},
    )
    fact = Fact.objects.get()
    body = client.get(f"/client/leestips/weetjes/{fact.pk}/").content.decode()
    url = f"/client/leestips/weetjes/{fact.pk}/afbeelding/"
    assert f'href="{url}"' in body
    assert client.get(url)["Content-Type"] == "image/png"  # not yet published, but its editor sees it
    assert_refused(client, admin_b, url)
