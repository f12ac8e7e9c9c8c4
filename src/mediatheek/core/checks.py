"""Checks of `mediatheek check --deploy` for this project's own settings."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

# Domains no library's mail comes from: the development default, reserved example and test names (RFC 2606, 6761).
PLACEHOLDER_DOMAINS = frozenset({"localhost", "example.com", "example.net", "example.org", "example.nl", "example"})
PLACEHOLDER_SUFFIXES = (".localhost", ".example", ".invalid", ".test", ".local")


def is_placeholder_address(value: str) -> bool:
    """Whether a From address is still a default or an example (or no address at all)."""
    address = parseaddr(value)[1]
    domain = address.rpartition("@")[2].lower()
    return not address or "@" not in address or domain in PLACEHOLDER_DOMAINS or domain.endswith(PLACEHOLDER_SUFFIXES)


@register(Tags.security, deploy=True)
def default_from_email(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Mail to parents and schools must come from the library's own address, or it lands in spam (or bounces)."""
    if not is_placeholder_address(settings.DEFAULT_FROM_EMAIL):
        return []
    return [
        CheckWarning(
            f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}, a default or example address.",
            hint="Set DEFAULT_FROM_EMAIL to the library's own address, e.g. 'Mediatheek <mediatheek@bibliotheek.nl>'.",
            id="mediatheek.W011",
        )
    ]
