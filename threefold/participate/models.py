"""Models of participate (issue 8)."""
