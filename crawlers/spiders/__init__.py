"""Spiders: one generic spider (``annual_reports``) serves every portal through its profile."""
