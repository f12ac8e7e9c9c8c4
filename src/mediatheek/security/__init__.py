"""Checks across the whole product: every route as every role, every parser under attack, privacy and audit."""
