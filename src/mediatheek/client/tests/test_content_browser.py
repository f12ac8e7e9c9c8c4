"""A school's mediathecaris writes a leestip with a picture and a book in the client; it shows on the portal."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_admin_writes_a_leestip_and_pupils_see_it(page: Any, transactional_db: Any, screenshot: Any, tmp_path: Any):
    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    admin = f.school_user(Role.SCHOOL_ADMIN, school, username="regenboog-beheer")
    title = f.TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon")
    f.CopyFactory(title=title, school=school)
    f.CopyFactory(title=f.TitleFactory(title="Kikker is verliefd", authors="Max Velthuijs"), school=school)
    picture = tmp_path / "dolfje.png"
    Image.new("RGB", (240, 160), (30, 80, 140)).save(picture, format="PNG")

    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(admin.username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leestips").click()
    page.get_by_role("link", name="Nieuwe leestip").click()
    page.get_by_label("Kop").fill("Griezelen met Dolfje")
    text = page.get_by_label("Tekst")
    text.fill("Dolfje is een ")
    page.get_by_role("button", name="Vet").click()  # the toolbar puts ** around a word to type over
    page.keyboard.type("weerwolf")
    text.press("End")
    text.press_sequentially(".\n\nlekker dun")
    page.get_by_role("button", name="Lijst").click()
    text.press("End")
    text.press_sequentially("\n- grappig")
    expect(text).to_have_value("Dolfje is een **weerwolf**.\n\n- lekker dun\n- grappig")
    page.get_by_role("button", name="Voorbeeld").click()  # rendered by the server, as the portal will
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("strong")).to_have_text("weerwolf")
    expect(preview.locator("li")).to_have_count(2)
    page.locator("#id_picture").set_input_files(str(picture))
    page.get_by_label("Beschrijving van de afbeelding").fill("Een weerwolf in pyjama")
    page.get_by_label("Boek zoeken (titel, auteur of ISBN)").fill("dolfje")
    page.get_by_role("button", name="Toevoegen Dolfje Weerwolfje").click()
    picked = page.get_by_role("list", name="Gekozen boeken")
    expect(picked.get_by_role("listitem")).to_contain_text(["Dolfje Weerwolfje"])
    expect(page.get_by_role("button", name="Verwijderen Dolfje Weerwolfje")).to_be_visible()
    page.get_by_label("Boek zoeken (titel, auteur of ISBN)").fill("kikker")
    page.get_by_role("button", name="Toevoegen Kikker is verliefd").click()
    page.get_by_role("button", name="Verwijderen Kikker is verliefd").click()  # changed her mind
    expect(picked.get_by_role("listitem")).to_have_count(1)
    page.get_by_label("Vanaf jaargroep").fill("4")
    page.get_by_label("Tot en met jaargroep").fill("6")
    screenshot(page, "client-editor")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("link", name="Griezelen met Dolfje")).to_be_visible()
    screenshot(page, "client-list")

    page.goto("/regenboog/")
    card = page.locator("article", has=page.get_by_role("heading", name="Griezelen met Dolfje"))
    expect(card.get_by_role("img", name="Een weerwolf in pyjama")).to_be_visible()
    assert card.locator("strong").inner_text() == "weerwolf"
    assert card.get_by_role("img").evaluate("img => img.naturalWidth") == 240  # the picture really loads
    expect(card.get_by_role("link", name="Dolfje Weerwolfje")).to_be_visible()
    screenshot(page, "portal-home-with-tip")
