"""Identify: screening instruments as data and the engine that scores them.

Everything in this package is plain Python (no Django import) so that the scoring rules can be read,
typed and property-tested on their own; the Django app that stores screenings will wrap it.

The usual path is::

    instrument = library.load("ilo_ec_delphi_adult_labour")
    result = scoring.score(instrument, {"q_cd_violence": "yes", ...})
    print(result.to_json())
"""
