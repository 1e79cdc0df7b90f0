"""Models of training (issue 8)."""
