"""Helpers for the country reference data tests (tests/test_countries*.py)."""
