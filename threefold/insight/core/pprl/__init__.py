"""Privacy-preserving record linkage (PPRL): find the same people in two agencies' lists without sharing names.

Both parties hold the same linkage secret (`LinkageKey`) and `Schema`. Each encodes its records into keyed
Bloom filters (`encode`), writes them to an encoding file (`files`) and the party that links reads the other's
file, compares the encodings (`compare`: Dice coefficients, blocked) and decides (`match`: one-to-one links, or
clusters when a list has duplicates) and reports only counts (`Overlap`: the capture histories that multiple
systems estimation needs).

    key = LinkageKey(shared_secret)                      # >= 32 random bytes agreed out of band
    encoder = Encoder(DEFAULT_SCHEMA, key)
    mine = encoder.encode_many(records)                  # records: mappings given_names, family_names, ...
    data = write_encodings(mine, DEFAULT_SCHEMA, key)    # to the other party
    theirs = read_encodings(data, DEFAULT_SCHEMA, key).encodings
    links = one_to_one(link(mine, theirs))
    overlap = overlap_from_matches(len(mine), len(theirs), links)

What the encodings protect against, and what not:
  * Outsiders without the secret (a leaked file, a transport, a curious server) cannot compute the bits of a
    guessed name or date, so dictionary attacks fail; frequency attacks on many encodings remain possible in
    principle (see `encode`), so encodings are still personal data.
  * A party that holds the secret can encode guesses itself and test them against the other party's
    encodings: a date of birth (about 36,500 guesses) or a common name is recoverable, and the keyed year
    blocks are a year of birth to it. This is inherent to any keyed Bloom-filter scheme in which the
    comparing party holds the key. The encodings therefore protect the data from everyone *except* the
    partner it is shared with: link only with partners entitled to see the matched people anyway, under an
    agreement, and let each party see only counts (`Overlap`) or its own records' links. The stronger model
    (a linkage unit that compares without holding the secret; comparison needs no key) would need the file's
    integrity key separated from the encoding secret; not done here.
So encodings are shared only with the parties holding the secret, kept no longer than the file's expiry and
never published. The modules' docstrings give the reasons for each choice; bench/pprl_febrl4.py measures the
whole chain.
Pure Python: no Django import, so it runs in a script, a worker or another deployment.
"""

from threefold.insight.core.pprl.blocking import Lsh, YearBlocks
from threefold.insight.core.pprl.compare import (
    DEFAULT_THRESHOLD,
    Blocking,
    Candidates,
    dedupe,
    dice_matrix,
    link,
)
from threefold.insight.core.pprl.encode import Encoder, Encodings, SchemaMismatchError
from threefold.insight.core.pprl.features import DateOfBirth
from threefold.insight.core.pprl.files import (
    EncodingFile,
    EncodingFileError,
    read_encodings,
    reopen_encodings,
    write_encodings,
)
from threefold.insight.core.pprl.keys import LinkageKey
from threefold.insight.core.pprl.match import (
    Clusters,
    Matches,
    Overlap,
    cluster,
    one_to_one,
    overlap_from_clusters,
    overlap_from_matches,
)
from threefold.insight.core.pprl.schema import DEFAULT_SCHEMA, FieldSpec, Schema

__all__ = [
    "DEFAULT_SCHEMA",
    "DEFAULT_THRESHOLD",
    "Blocking",
    "Candidates",
    "Clusters",
    "DateOfBirth",
    "Encoder",
    "EncodingFile",
    "EncodingFileError",
    "Encodings",
    "FieldSpec",
    "LinkageKey",
    "Lsh",
    "Matches",
    "Overlap",
    "Schema",
    "SchemaMismatchError",
    "YearBlocks",
    "cluster",
    "dedupe",
    "dice_matrix",
    "link",
    "one_to_one",
    "overlap_from_clusters",
    "overlap_from_matches",
    "read_encodings",
    "reopen_encodings",
    "write_encodings",
]
