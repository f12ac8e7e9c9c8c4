"""The session store reads with one hand-written query (core/sessions.py); what Django's does, it still does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from mediatheek.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_back() -> None:
    store = SessionStore()
    store["desk"] = "balie 1"
    store.save()
    assert SessionStore(store.session_key)["desk"] == "balie 1"


def test_an_expired_or_unknown_session_reads_as_empty_and_gets_no_key() -> None:
    store = SessionStore()
    store["desk"] = "balie 1"
    store.save()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (store.session_key, "x" * 32):
        again = SessionStore(key)
        assert again.load() == {}
        assert again.session_key is None


def test_clear_expired_still_works() -> None:
    store = SessionStore()
    store["desk"] = "balie 1"
    store.save()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))
    SessionStore.clear_expired()
    assert not Session.objects.exists()
