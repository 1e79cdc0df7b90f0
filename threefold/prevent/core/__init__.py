"""Pure logic of prevent, no Django import (tests/prevent check it): reading area, indicator and boundary files,
the vocabularies, reach counts, projecting boundaries and laying out tiles, and tallying coverage by area and
month. ``threefold.prevent.services`` stores what these return; ``threefold.prevent.areamap`` draws it."""
