"""Generated initial passwords: random, readable, never derived from anything known about the person."""

from __future__ import annotations

import secrets

# No 0/o, 1/l/i: a child copies this from a letter.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(groups: int = 3, group_length: int = 4) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(group_length)) for _ in range(groups))
