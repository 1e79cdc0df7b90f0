"""Country reference data: UN treaty status, TIP report tiers, UNODC GLOTIP figures (issue 5, point 4)."""
