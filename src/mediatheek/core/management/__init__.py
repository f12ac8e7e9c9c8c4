"""Shared by the project's management commands: the language they speak."""

from __future__ import annotations


def activate_command_language() -> None:
    """Commands speak the operator's language: MEDIATHEEK_COMMAND_LANGUAGE, else LANGUAGE_CODE (Dutch).

    Called once by the `mediatheek` entry point, for every command, after Django is set up. Django itself leaves
    a command's translations as they are; without an active language gettext falls back to LANGUAGE_CODE.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(getattr(settings, "MEDIATHEEK_COMMAND_LANGUAGE", "") or settings.LANGUAGE_CODE)
