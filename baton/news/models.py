"""Models of baton.news."""
