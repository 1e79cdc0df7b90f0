"""Threefold: prevent trafficking, protect survivors, prosecute offenders."""
