"""guozi (国资): steering state-owned enterprises by their operating indicators."""

from __future__ import annotations

__version__ = "0.1.0"
