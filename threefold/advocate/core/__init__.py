"""Pure cores of the advocacy module: the asks framework and the legislation checklist read from reference/, the
indicators computed from country reference data, statuses over time and gap reports. No Django import."""
