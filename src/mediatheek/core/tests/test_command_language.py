"""Management commands speak the operator's language: Dutch by default, MEDIATHEEK_COMMAND_LANGUAGE otherwise."""

from __future__ import annotations

import sys

import pytest
from django.utils import translation

from mediatheek.__main__ import main
from mediatheek.core.management import activate_command_language


@pytest.fixture(autouse=True)
def _no_language_left_behind():
    yield
    translation.deactivate()


@pytest.mark.django_db
def test_a_command_prints_dutch_by_default(monkeypatch, capsys):
    translation.activate("en")  # whatever was active before, the entry point chooses the command language
    monkeypatch.setattr(sys, "argv", ["mediatheek", "expire_holds"])
    main()
    assert capsys.readouterr().out == "0 reserveringen vervallen.\n"


def test_the_operator_chooses_the_language_of_the_commands(settings):
    settings.MEDIATHEEK_COMMAND_LANGUAGE = "en"
    activate_command_language()
    assert translation.get_language() == "en"
    settings.MEDIATHEEK_COMMAND_LANGUAGE = ""
    activate_command_language()
    assert translation.get_language() == settings.LANGUAGE_CODE == "nl"


@pytest.mark.django_db
def test_the_catalogue_import_speaks_the_operators_language_too(settings, tmp_path, capsys, monkeypatch):
    from mediatheek.testing.factories import SchoolFactory

    school = SchoolFactory()
    records = tmp_path / "titels.csv"
    records.write_text("titel;auteur;isbn\nDe Griezelbus;Paul van Loon;9780306406157\n", encoding="utf-8")
    settings.MEDIATHEEK_COMMAND_LANGUAGE = "en"
    monkeypatch.setattr(sys, "argv", ["mediatheek", "import_catalogue", str(records), "--school", school.code])
    main()
    assert capsys.readouterr().out.startswith("Imported: 1 new, 0 known (ISBN), 0 rejected")
