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
