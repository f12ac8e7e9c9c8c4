"""Reading services and queries: Markdown safety, publication window, reading log, wish list, toppers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.accounts.models import Role
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.reading import services
from mediatheek.reading.markdown import render_markdown
from mediatheek.reading.models import Fact, ReadingTip
from mediatheek.reading.queries import reading_log, toppers
from mediatheek.testing.factories import (
    CopyFactory,
    LoanFactory,
    PatronFactory,
    TitleFactory,
    patron_login,
    school_user,
)


def test_markdown_keeps_formatting_and_drops_scripts_images_and_js_links():
    html = render_markdown(
        "# Kop\n\n**vet** en *schuin*\n\n- een\n- twee\n\n<script>x()</script><img src=x onerror=y()>"
        "[goed](https://bieb.example) [slecht](javascript:alert(1)) ![plaatje](http://evil.example/p.png)"
    )
    assert "<h2>Kop</h2>" in html and "<strong>vet</strong>" in html and "<li>een</li>" in html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html and "evil.example" not in html
    assert 'href="https://bieb.example"' in html and "noopener" in html


@pytest.mark.django_db
def test_published_for_shows_own_and_library_wide_within_dates(school_a, school_b):
    today = timezone.localdate()
    own = ReadingTip.objects.create(school=school_a, heading="own")
    everyone = ReadingTip.objects.create(school=None, heading="all")
    ReadingTip.objects.create(school=school_b, heading="other")
    ReadingTip.objects.create(school=school_a, heading="later", publish_from=today + dt.timedelta(days=1))
    ReadingTip.objects.create(
        school=school_a, heading="gone", publish_from=today - dt.timedelta(days=5), publish_until=today
    )
    shown = set(ReadingTip.objects.published_for(school_a).values_list("heading", flat=True))
    assert shown == {"own", "all", "gone"}
    assert own.is_published() and everyone.is_library_wide


@pytest.mark.django_db
def test_school_admin_cannot_write_library_wide_or_for_another_school(school_a, school_b, admin_a, staff_user):
    with pytest.raises(DomainError):
        services.save_content(item=Fact(heading="x"), by=admin_a, school=school_a, library_wide=True)
    item = services.save_content(item=Fact(heading="y"), by=admin_a, school=school_a)
    assert item.school == school_a and AuditEvent.objects.filter(action="content.create").exists()
    with pytest.raises(DomainError):
        services.save_content(item=item, by=school_user(Role.SCHOOL_ADMIN, school_b), school=school_b)
    wide = services.save_content(item=Fact(heading="z"), by=staff_user, school=school_a, library_wide=True)
    assert wide.school is None
    with pytest.raises(DomainError):
        services.delete_content(item=wide, by=admin_a, school=school_a)


@pytest.mark.django_db
def test_year_levels_and_dates_are_checked(school_a, admin_a):
    with pytest.raises(DomainError):
        services.save_content(
            item=ReadingTip(heading="x", year_level_from=6, year_level_to=3), by=admin_a, school=school_a
        )
    tip = ReadingTip(heading="x", year_level_from=3, year_level_to=5)
    assert tip.meant_for(4) and not tip.meant_for(7) and tip.meant_for(None)


def test_keywords_are_normalised_and_limited():
    assert services.normalise_keywords(" Spannend,grappig;; spannend\nDraken ") == "spannend, grappig, draken"
    with pytest.raises(DomainError):
        services.normalise_keywords("a, b, c, d, e, f")


@pytest.mark.django_db
def test_only_the_pupil_changes_their_own_log_and_list(school_a):
    pupil, other = PatronFactory(school=school_a), PatronFactory(school=school_a)
    title = TitleFactory()
    other_login = patron_login(other)
    with pytest.raises(DomainError):
        services.rate_title(patron=pupil, title=title, stars=3, by=other_login)
    with pytest.raises(DomainError):
        services.add_to_wish_list(patron=pupil, title=title, by=other_login)
    entry = services.rate_title(patron=pupil, title=title, stars=5, keywords="mooi", by=patron_login(pupil))
    again = services.rate_title(patron=pupil, title=title, stars=2, by=pupil.account)
    assert entry.pk == again.pk and again.stars == 2


@pytest.mark.django_db
def test_reading_log_merges_loans_and_entries(school_a):
    pupil = PatronFactory(school=school_a)
    borrowed = CopyFactory(school=school_a)
    LoanFactory(copy=borrowed, patron=pupil, returned_at=timezone.now())
    LoanFactory(copy=CopyFactory(school=school_a, title=borrowed.title), patron=pupil, returned_at=timezone.now())
    rated = TitleFactory()
    services.rate_title(patron=pupil, title=rated, stars=4, by=patron_login(pupil))
    rows = reading_log(pupil)
    assert {row.title for row in rows} == {borrowed.title, rated}
    assert next(row for row in rows if row.title == borrowed.title).times_borrowed == 2


@pytest.mark.django_db
def test_toppers_count_this_schools_loans_only(school_a, school_b):
    popular, other = TitleFactory(title="Populair"), TitleFactory(title="Elders")
    for _ in range(3):
        LoanFactory(copy=CopyFactory(school=school_a, title=popular), returned_at=timezone.now())
    for _ in range(5):
        LoanFactory(copy=CopyFactory(school=school_b, title=other), returned_at=timezone.now())
    assert [title.title for title in toppers(school_a)] == ["Populair"]
