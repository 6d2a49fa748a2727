"""Placeholder module; routes are added below."""

urls: list = []
