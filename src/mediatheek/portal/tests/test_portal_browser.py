"""The portal in a real browser, as a child and a teacher use it: search and filter, a title, Mijn Bibliotheek,
wish list, stars, reserving, the docentmenu. axe-core (vendored) checks every main page; screenshots at 360 px
(a phone) and at desktop width are saved in test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mediatheek.catalog.models import Copy
from mediatheek.circulation.models import Reservation
from mediatheek.patrons.models import Patron
from mediatheek.reading.models import Fact, ReadingLogEntry, ReadingTip, WishListItem
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "testing" / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the current page (axe is injected from the vendored file)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [item for item in found if item["impact"] in ("serious", "critical")]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {violations}"


@pytest.fixture
def library(transactional_db: Any) -> dict[str, Any]:
    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    other = f.SchoolFactory(code="22BB00", name="CBS Beta", slug="beta")
    group = f.GroupFactory(school=school, name="Groep 5B", year_level=5)
    pupil = f.PatronFactory(school=school, group=group, first_name="Sanne", name_prefix="van den", last_name="Berg")
    classmate = f.PatronFactory(school=school, group=group, first_name="Daan", name_prefix="", last_name="Jansen")
    teacher = f.PatronFactory(
        school=school, kind=Patron.Kind.TEACHER, group=group, first_name="Meester", name_prefix="", last_name="Bram"
    )
    f.patron_login(pupil)
    f.patron_login(teacher)
    books = [
        ("Dolfje Weerwolfje", "Paul van Loon", "Dolfje Weerwolfje", "1", "B", "E5", "283", "dut"),
        ("Weerwolf in de school", "Paul van Loon", "Dolfje Weerwolfje", "2", "B", "M6", "283", "dut"),
        ("Volle maan", "Paul van Loon", "Dolfje Weerwolfje", "3", "B", "E6", "283", "dut"),
        ("Het weerwolvenboek", "Anna Wolf", "", "", "A", "M4", "282", "dut"),
        ("Wolves and bears", "Sam Bear", "", "", "J", "", "290", "eng"),
        ("De Gruffalo", "Julia Donaldson", "", "", "AK", "", "273", "dut"),
        ("Kikker is verliefd", "Max Velthuijs", "Kikker", "1", "AK", "AVI-Start", "273", "dut"),
        ("Dummie de mummie", "Tosca Menten", "Dummie", "1", "B", "E5", "283", "dut"),
    ]
    titles = {}
    for name, author, series, number, age, avi, nur, language in books:
        title = f.TitleFactory(
            title=name,
            authors=author,
            author_sort=author,
            series=series,
            series_number=number,
            age_code=age,
            avi_level=avi,
            nur=nur,
            language=language,
            summary=f"{name}: een boek om samen te lezen.",
        )
        titles[name] = title
        f.CopyFactory(title=title, school=school)
        f.CopyFactory(title=title, school=other)
    today = timezone.localdate()
    lent = f.CopyFactory(title=titles["Volle maan"], school=school, status=Copy.Status.LENT)
    Copy.objects.filter(title=titles["Volle maan"], school=school).update(status=Copy.Status.LENT)
    f.LoanFactory(copy=lent, patron=pupil, due_date=today + dt.timedelta(days=9))
    mummie = Copy.objects.get(title=titles["Dummie de mummie"], school=school)
    Copy.objects.filter(pk=mummie.pk).update(status=Copy.Status.LENT)
    f.LoanFactory(copy=mummie, patron=classmate, due_date=today - dt.timedelta(days=4))
    old = Copy.objects.get(title=titles["De Gruffalo"], school=school)
    f.LoanFactory(copy=old, patron=pupil, returned_at=timezone.now(), due_date=today - dt.timedelta(days=20))
    tip = ReadingTip.objects.create(
        school=school,
        heading="Griezelen met Dolfje",
        body="Dolfje is een **weerwolf**. Hij is helemaal niet eng!\n\n- lekker dun\n- grappig",
        year_level_from=4,
        year_level_to=6,
    )
    tip.titles.set([titles["Dolfje Weerwolfje"]])
    Fact.objects.create(school=None, heading="Wist je dat?", body="Er staan meer dan 1000 boeken in onze kast.")
    return {"school": school, "pupil": pupil, "teacher": teacher, "titles": titles}


def login(page: Any, patron: Patron) -> None:
    page.goto("/regenboog/")
    page.get_by_role("link", name="Mijn Bibliotheek").click()
    page.get_by_label("Pasnummer").fill(patron.card_number)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/regenboog/mijn/")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_search_filter_and_open_a_title(browser: Any, live_server: Any, library: Any, screenshot: Any, viewport: str):
    size = PHONE if viewport == "phone" else DESKTOP
    context = browser.new_context(base_url=live_server.url, viewport=size, locale="nl-NL")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/regenboog/")
    # The search box is the first thing on the page after the heading.
    box = page.get_by_label("Zoek een boek")
    screenshot(page, f"{viewport}-home")
    # In the first screen, and before the leestips.
    assert box.bounding_box()["y"] < min(size["height"] - 100, page.locator("#h-tips").bounding_box()["y"])
    expect(page.get_by_role("heading", name="Griezelen met Dolfje")).to_be_visible()
    expect(page.get_by_role("heading", name="Wist je dat?")).to_be_visible()
    assert_accessible(page)

    # Keyboard only: type and press Enter.
    box.focus()
    page.keyboard.type("weerwolf")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zoeken?q=weerwolf")
    results = page.locator(".result")
    expect(results).to_have_count(3)
    expect(page.get_by_text("Uitgeleend tot")).to_have_count(1)  # Volle maan
    screenshot(page, f"{viewport}-search")
    assert_accessible(page)

    filters = page.locator("details.facets")
    if not filters.evaluate("el => el.open"):
        filters.locator("summary").click()
    page.get_by_label("AVI-niveau").select_option("E5")
    page.get_by_label("Nu aanwezig").check()
    page.get_by_role("button", name="Toon boeken").click()
    expect(page.locator(".result")).to_have_count(1)
    expect(page.get_by_role("heading", name="1 boek gevonden")).to_be_visible()
    screenshot(page, f"{viewport}-search-filtered")

    page.get_by_role("link", name="Dolfje Weerwolfje").first.click()
    expect(page.get_by_role("heading", name="Dolfje Weerwolfje", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Meer uit de reeks Dolfje Weerwolfje")).to_be_visible()
    expect(page.get_by_role("link", name="Log in om te reserveren")).to_be_visible()
    screenshot(page, f"{viewport}-title")
    assert_accessible(page)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    # Nothing was loaded from another host.
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    context.close()


def test_pupil_on_a_phone_loans_wish_list_stars_and_reserve(
    browser: Any, live_server: Any, library: Any, screenshot: Any
):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    pupil = library["pupil"]
    login(page, pupil)
    expect(page.get_by_text("Hallo Sanne!")).to_be_visible()
    expect(page.get_by_role("link", name="Volle maan")).to_be_visible()
    expect(page.get_by_text("Inleveren vóór")).to_be_visible()
    screenshot(page, "pupil-mine")
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Mijn boeken").click()
    expect(page.get_by_role("button", name=re.compile(r"^Verlengen\W+Volle maan$"))).to_be_visible()
    screenshot(page, "pupil-loans")

    # Find a book, put it on the wish list, give it stars, reserve it.
    page.goto("/regenboog/zoeken?q=gruffalo")
    page.get_by_role("link", name="De Gruffalo").click()
    page.get_by_role("button", name="Op mijn verlanglijst").click()
    expect(page.get_by_text("Op je verlanglijst gezet.")).to_be_visible()
    assert WishListItem.objects.filter(patron=pupil, title=library["titles"]["De Gruffalo"]).exists()
    page.locator("label", has_text="5 sterren").click()  # a child taps the fifth star
    page.get_by_label("Jouw woorden over dit boek").fill("grappig, muis")
    page.get_by_role("button", name="Bewaar in mijn leeslog").click()
    expect(page.get_by_text("Opgeslagen in je leeslog.")).to_be_visible()
    entry = ReadingLogEntry.objects.get(patron=pupil)
    assert entry.stars == 5 and entry.keywords == "grappig, muis"
    screenshot(page, "pupil-title-rated")
    assert_accessible(page)

    page.get_by_role("button", name="Reserveren").click()
    expect(page.get_by_role("heading", name="Mijn reserveringen")).to_be_visible()
    assert Reservation.objects.filter(patron=pupil, title=library["titles"]["De Gruffalo"]).exists()
    screenshot(page, "pupil-reservations")

    page.goto("/regenboog/mijn/leeslog/")
    expect(page.get_by_role("link", name="De Gruffalo")).to_be_visible()
    expect(page.get_by_role("link", name="Volle maan")).to_be_visible()  # borrowed, not yet rated
    screenshot(page, "pupil-log")
    assert_accessible(page)
    page.goto("/regenboog/mijn/verlanglijst/")
    expect(page.get_by_role("link", name="De Gruffalo")).to_be_visible()
    screenshot(page, "pupil-wishlist")
    context.close()


def test_rating_works_with_the_keyboard_only(browser: Any, live_server: Any, library: Any):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    login(page, library["pupil"])
    page.goto(f"/regenboog/titel/{library['titles']['Volle maan'].pk}/")
    page.locator("#stars-{}-1".format(library["titles"]["Volle maan"].pk)).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # three stars
    page.keyboard.press("Tab")
    page.keyboard.type("spannend")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Opgeslagen in je leeslog.")).to_be_visible()
    entry = ReadingLogEntry.objects.get(patron=library["pupil"])
    assert entry.stars == 3 and entry.keywords == "spannend"
    context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_teacher_sees_the_class(browser: Any, live_server: Any, library: Any, screenshot: Any, viewport: str):
    size = PHONE if viewport == "phone" else DESKTOP
    context = browser.new_context(base_url=live_server.url, viewport=size, locale="nl-NL")
    page = context.new_page()
    login(page, library["teacher"])
    page.get_by_role("link", name="Docentmenu: mijn klas").click()
    expect(page.get_by_role("heading", name="Docentmenu: Groep 5B")).to_be_visible()
    overdue = page.locator("section", has=page.get_by_role("heading", name="Te laat"))
    assert "Dummie de mummie" in overdue.inner_text() and "Daan Jansen" in overdue.inner_text()
    reads = page.locator("section", has=page.get_by_role("heading", name="Wat de klas leest (dit schooljaar)"))
    assert "De Gruffalo" in reads.inner_text()
    screenshot(page, f"{viewport}-teacher-class")
    assert_accessible(page)
    context.close()


def test_kijk_in_de_kast_and_toppers(page: Any, library: Any, screenshot: Any):
    page.goto("/regenboog/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Kijk in de kast").click()
    page.get_by_role("link", name="Op AVI-niveau").click()
    page.get_by_role("link", name="E5").click()
    expect(page.get_by_role("link", name="Dummie de mummie")).to_be_visible()
    screenshot(page, "shelf-avi")
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Toppers").click()
    page.get_by_role("link", name="Groep 5").click()
    expect(page.get_by_role("heading", name="Toppers in groep 5")).to_be_visible()
    screenshot(page, "toppers-groep-5")
    assert_accessible(page)
