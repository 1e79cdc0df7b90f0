"""Identify's pages, one module per task: screening, review, imports, the directory and organisations' instruments."""
