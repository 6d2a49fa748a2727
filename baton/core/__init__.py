"""Helpers every app shares; ``core`` imports no app (STYLE 18)."""
