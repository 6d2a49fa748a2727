"""Models of baton.meetings."""
