"""``python -m guozi``."""

from __future__ import annotations

from guozi.cli import main

main()
