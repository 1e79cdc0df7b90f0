"""Pure logic of participate: questions, tokens, suppressed results, leaders' totals. No Django import here
(tests/participate/test_pure_core.py checks it), so every rule can be tested without a database."""
