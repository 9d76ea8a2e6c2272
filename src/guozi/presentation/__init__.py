"""Presentation toolkit: tables, CSV, JSON and Excel output shared by the analyses and the shells."""
