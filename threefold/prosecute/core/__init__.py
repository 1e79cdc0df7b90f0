"""The pure cores of prosecution records (no Django import): the offences of each jurisdiction as reference data,
and how a case's proceedings become the banded facts its statistics count."""
