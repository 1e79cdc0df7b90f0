"""Readers for the public country reference files. Pure Python: no Django import (tests check it).

Each reader takes a path and returns a ``Parsed`` (typed frozen rows, problems with their line numbers and
notes); a file that is not what the reader expects at all (wrong header, missing banner, not an xlsx) raises
``BadFileError`` before any data row is read. Storing the rows is the job of ``threefold.countries.services``.
"""
