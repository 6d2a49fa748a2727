"""Models of baton.outcomes."""
