"""Argon2id with OWASP's recommended cost, instead of Django's default.

Django's default (100 MiB, parallelism 8) makes a class of 30 pupils logging in at the same moment wait 10–16 s on
a two-core server (measured with bench/load.py). OWASP's Password Storage Cheat Sheet recommends for Argon2id
m=19 MiB, t=2, p=1 as an equally safe minimum; hashes made with other parameters are re-hashed at the next login.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class SchoolArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
