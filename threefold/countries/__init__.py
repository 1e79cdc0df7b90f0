"""Country reference data and country pages: UN treaty status, TIP tiers, UNODC GLOTIP figures (issue 5, point 4);
ISO/M49 countries, criminalisation, Walk Free estimates, regional instruments, the data shipped in
reference/countries/ and the country pages, comparison and briefs (issue 7, Advocate points 1 and 4)."""
