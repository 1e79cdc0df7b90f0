"""Pure cores of training (no Django import): pre/post scoring and follow-up dates."""
