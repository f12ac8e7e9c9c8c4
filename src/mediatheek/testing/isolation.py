"""One-line cross-school tests: "a user of school A asks for school B's object" must be refused."""

from __future__ import annotations

from typing import Any

from django.test import Client

# Refusals: forbidden, not found, or a redirect to a login page. Never a page with the other school's data.
REFUSALS = {302, 403, 404, 405}


def assert_refused(
    client: Client,
    user: Any,
    url: str,
    *,
    method: str = "get",
    data: dict[str, Any] | None = None,
    secret: str = "",
) -> None:
    """Log in as `user`, ask for `url`, and assert a refusal. `secret` is a text of school B that must not show."""
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    assert response.status_code in REFUSALS, f"{user.username} ({user.role}) got {response.status_code} for {url}"
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        assert "login" in location or "inloggen" in location, f"{url} redirected to {location}, not to a login"
    if secret:
        assert secret not in body, f"{url} showed {secret!r} to {user.username}"
