"""The writable group of tests/web/test_submissions.py for these tests: its store and application."""

from __future__ import annotations

from tests.web.test_submissions import app, group_ws

__all__ = ["app", "group_ws"]
