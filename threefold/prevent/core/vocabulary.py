"""The fixed vocabularies of prevent, as plain values; the models give them translated labels."""

from __future__ import annotations

# Education sessions: where they are held and what they are about.
SETTINGS = ("school", "community", "online", "other")
TOPICS = ("safe_migration", "online_recruitment", "rights", "labour_rights", "where_to_get_help")
# Reach is counted by age band and gender, never by name.
AGE_BANDS = ("under_12", "12_14", "15_17", "18_24", "25_plus")
GENDERS = ("female", "male", "other")

# The materials library.
MATERIAL_KINDS = ("leaflet", "poster", "video_link", "lesson_plan")

# Campaign activities.
CHANNELS = ("event", "poster", "social_media", "radio", "tv", "print", "sms", "other")

# Area indicators: four kinds the issue names (percentages), and custom ones that carry their own label.
RATE_KINDS = ("poverty_rate", "out_of_school_rate", "unemployment_rate", "out_migration_rate")
CUSTOM = "custom"
INDICATOR_KINDS = (*RATE_KINDS, CUSTOM)
