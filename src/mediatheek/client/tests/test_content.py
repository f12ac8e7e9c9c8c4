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
            "titles": [title.pk],
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
        "/client/leestips/leestips/nieuw/", {"heading": "x", "titles": "9999999", "publish_from": "2020-01-01"}
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


# --- Issue #14, item 11: books by search, Markdown buttons and a preview -----------------------------------------


def _tip_data(**extra):
    return {"heading": "Lees dit", "body": "", "publish_from": "2020-01-01", **extra}


def test_the_editor_asks_no_title_number(client, admin_a):
    client.force_login(admin_a)
    body = client.get("/client/leestips/leestips/nieuw/").content.decode()
    assert "titelnummer" not in body and "Boek zoeken" in body and 'name="title_q"' in body


def test_the_book_search_suggests_titles_of_the_school(client, admin_a, school_a, school_b):
    from mediatheek.testing.factories import CopyFactory

    ours = TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon")
    CopyFactory(school=school_a, title=ours)
    CopyFactory(school=school_b, title=TitleFactory(title="Dolfje en de weerwolvenbende"))
    client.force_login(admin_a)
    body = client.get("/client/leestips/titels/", {"title_q": "dolfje"}).content.decode()
    assert "Dolfje Weerwolfje" in body and f'name="add_title" value="{ours.pk}"' in body
    assert "weerwolvenbende" not in body  # not at this school
    assert "Geen boek gevonden" in client.get("/client/leestips/titels/", {"title_q": "zzzq"}).content.decode()


def test_without_javascript_search_add_and_remove_keep_what_was_typed(client, admin_a, school_a):
    from mediatheek.testing.factories import CopyFactory

    first, second = TitleFactory(title="Kikker is verliefd"), TitleFactory(title="Kikker en de vreemdeling")
    for title in (first, second):
        CopyFactory(school=school_a, title=title)
    client.force_login(admin_a)
    url = "/client/leestips/leestips/nieuw/"
    body = client.post(url, _tip_data(search_titles="1", title_q="kikker")).content.decode()
    assert 'value="Lees dit"' in body and "Kikker is verliefd" in body and "field-error" not in body
    body = client.post(url, _tip_data(add_title=first.pk, title_q="kikker")).content.decode()
    assert f'name="titles" value="{first.pk}"' in body
    body = client.post(url, _tip_data(titles=[first.pk], add_title=second.pk)).content.decode()
    assert f'name="titles" value="{first.pk}"' in body and f'name="titles" value="{second.pk}"' in body
    body = client.post(url, _tip_data(titles=[first.pk, second.pk], remove_title=first.pk)).content.decode()
    assert f'name="titles" value="{first.pk}"' not in body and f'name="titles" value="{second.pk}"' in body
    assert not ReadingTip.objects.exists()  # none of these saved
    client.post(url, _tip_data(titles=[second.pk]))
    assert list(ReadingTip.objects.get().titles.all()) == [second]


def test_editing_lists_the_chosen_books(client, admin_a, school_a):
    tip = ReadingTip.objects.create(school=school_a, heading="Kikker")
    title = TitleFactory(title="Kikker is verliefd")
    tip.titles.add(title)
    client.force_login(admin_a)
    body = client.get(f"/client/leestips/leestips/{tip.pk}/").content.decode()
    assert f'name="titles" value="{title.pk}"' in body and "Kikker is verliefd" in body


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "1.5", ""])
def test_a_book_that_is_not_an_id_is_refused(client, admin_a, value):
    client.force_login(admin_a)
    response = client.post("/client/leestips/leestips/nieuw/", _tip_data(titles=[value or "x"]))
    assert response.status_code == 200 and "Onbekend boek" in response.content.decode()
    assert not ReadingTip.objects.exists()
    for name in ("add_title", "remove_title"):
        assert client.post("/client/leestips/leestips/nieuw/", _tip_data(**{name: value})).status_code == 200


def test_the_preview_is_the_portals_rendering(client, admin_a):
    client.force_login(admin_a)
    text = "Een **weerwolf**\n\n- dun\n- grappig\n\n<script>alert(1)</script>"
    body = client.post("/client/leestips/voorbeeld/", {"body": text}).content.decode()
    assert "<strong>weerwolf</strong>" in body and "<li>dun</li>" in body and "<script>" not in body
    # Without JavaScript: the editor again, with the preview and the text as typed.
    body = client.post("/client/leestips/leestips/nieuw/", _tip_data(body=text, preview="1")).content.decode()
    assert "<strong>weerwolf</strong>" in body and "Voorbeeld: zo staat de tekst op het portaal." in body
    assert not ReadingTip.objects.exists()


def test_the_editor_has_markdown_buttons(client, admin_a):
    client.force_login(admin_a)
    body = client.get("/client/leestips/weetjes/nieuw/").content.decode()
    for kind in ("bold", "italic", "list", "link"):
        assert f'data-markdown="{kind}"' in body
    assert "/static/client/content.js" in body and "https://" not in body.split("<main", 1)[0]


def test_the_book_search_and_preview_are_for_managers_only(client, volunteer_a):
    assert_refused(client, volunteer_a, "/client/leestips/titels/?title_q=a")
    assert_refused(client, volunteer_a, "/client/leestips/voorbeeld/", method="post")
