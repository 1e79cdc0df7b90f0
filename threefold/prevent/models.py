"""Models of prevent (issue 8)."""
