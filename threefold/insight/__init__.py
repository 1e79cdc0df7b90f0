"""Insight: statistics that protect people (issue 5). Datasets kept apart from case data, protected tables
(threefold.disclosure), differential privacy with a budget ledger (OpenDP), HTCDS export, dashboards."""
