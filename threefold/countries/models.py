"""Country reference data: public facts from published sources, never personal data.

Every row belongs to the ``ReferenceSource`` it was loaded from (file name, SHA-256, citation), so a figure
shown in a statistic or an advocacy brief can always name where it came from. There is one source per kind:
loading a new file of a kind deletes the previous source and, by cascade, its rows (see ``services``).

Country codes are ISO 3166-1 (``threefold.countries.loaders.names``): "" for an entity without one (the
European Union, Sark), ``XKX``/``XK`` for Kosovo. The published name is kept beside the codes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from threefold.countries.loaders.glotip import AgeGroup, Dimension, Indicator, Sex


def _choices(values: type[Indicator] | type[Dimension] | type[Sex] | type[AgeGroup]) -> list[tuple[str, str]]:
    """GLOTIP vocabularies are stored as published, so the stored value and its label are the same text."""
    return [(member.value, member.value) for member in values]


class SourceKind(models.TextChoices):
    GLOTIP = "glotip", _("UNODC Global Report on Trafficking in Persons, country data")
    PALERMO_PROTOCOL = "palermo_protocol", _("UN Treaty Collection: Trafficking in Persons Protocol status")
    UNTOC = "untoc", _("UN Treaty Collection: Convention against Transnational Organized Crime status")
    TIP_TIERS = "tip_tiers", _("US State Department TIP Report tiers")
    COUNTRIES = "countries", _("ISO 3166-1 countries and their UN M49 regions")
    CRIMINALISATION = "criminalisation", _("Criminalisation of trafficking (Kelley, Scorecard Diplomacy)")
    WALK_FREE = "walk_free", _("Walk Free Global Slavery Index estimates")
    CETS_197 = "coe_cets_197", _("Council of Europe Convention CETS 197 status")
    ACTIP = "asean_actip", _("ASEAN Convention against Trafficking in Persons status")


class Treaty(models.TextChoices):
    # Values equal threefold.countries.loaders.treaties.Treaty and the matching SourceKind.
    PALERMO_PROTOCOL = "palermo_protocol", _("Trafficking in Persons Protocol (Palermo)")
    UNTOC = "untoc", _("UN Convention against Transnational Organized Crime")
    CETS_197 = "coe_cets_197", _("Council of Europe Convention on Action against Trafficking (CETS 197)")
    ACTIP = "asean_actip", _("ASEAN Convention against Trafficking in Persons (ACTIP)")


# Where each treaty's current status is kept by its depositary: a page reader can check what happened after the
# date of the loaded list (the shipped UN lists are from January 2014).
DEPOSITARY_STATUS_URLS: dict[str, str] = {
    Treaty.PALERMO_PROTOCOL: "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-12-a&chapter=18",
    Treaty.UNTOC: "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-12&chapter=18",
    Treaty.CETS_197: "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=197",
    Treaty.ACTIP: "https://asean.org/",
}


class TreatyAction(models.TextChoices):
    RATIFICATION = "ratification", _("ratification")
    ACCEPTANCE = "acceptance", _("acceptance")
    APPROVAL = "approval", _("approval")
    ACCESSION = "accession", _("accession")
    SUCCESSION = "succession", _("succession")


class TipTierChoice(models.TextChoices):
    # Values equal threefold.countries.loaders.tiers.Tier.
    TIER_1 = "1", _("Tier 1")
    TIER_2 = "2", _("Tier 2")
    TIER_2_WATCH_LIST = "2wl", _("Tier 2 Watch List")
    TIER_3 = "3", _("Tier 3")
    SPECIAL_CASE = "special", _("Special Case")


class ReferenceSource(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, unique=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    rows_read = models.PositiveIntegerField(_("data rows in the file"))
    row_count = models.PositiveIntegerField(_("rows loaded"))
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)  # only with accept_valid
    citation = models.TextField(_("citation"))
    terms = models.TextField(_("licence or terms of use"))
    notes = models.JSONField(_("notes of the reader"), default=list)
    # The date of the facts as their publisher gives it ("2014-01", "2025-04-14"); "" when the file does not say.
    published = models.CharField(_("published"), max_length=40, blank=True)
    # True: loaded from the files shipped in reference/countries/; False: imported from a file a user gave.
    shipped = models.BooleanField(_("shipped with Threefold"), default=False)
    # False: a list known to be partial (a regional instrument's parties "to be completed by import").
    complete = models.BooleanField(_("complete list"), default=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.file_name}, {self.loaded_at:%Y-%m-%d})"


class TreatyStatus(models.Model):
    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="treaty_statuses")
    treaty = models.CharField(_("treaty"), max_length=20, choices=Treaty.choices)
    country_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, blank=True)
    country_alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, blank=True)
    participant = models.CharField(_("participant as published"), max_length=120)
    signed_on = models.DateField(_("signature"), null=True, blank=True)
    ratified_on = models.DateField(
        _("ratification, acceptance, approval, accession or succession"), null=True, blank=True
    )
    action = models.CharField(
        _("how it became a party"), max_length=12, choices=TreatyAction.choices, blank=True
    )
    line = models.PositiveIntegerField(_("line in the source file"))
    # Where this row's facts were read, for hand-kept lists whose rows have different sources; "" = the file.
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "participant"], name="countries_treaty_unique_participant"
            ),
            models.UniqueConstraint(
                fields=["treaty", "country_alpha3"],
                condition=~Q(country_alpha3=""),
                name="countries_treaty_unique_country",
            ),
            # A party has both a date and the way it became one; a mere signatory has neither.
            models.CheckConstraint(
                condition=Q(ratified_on__isnull=True, action="")
                | (Q(ratified_on__isnull=False) & ~Q(action="")),
                name="countries_treaty_action_with_date",
            ),
        ]
        indexes = [models.Index(fields=["country_alpha3"], name="countries_treaty_country")]
        ordering = ["treaty", "participant"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_treaty_display()}"


class TipTier(models.Model):
    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="tip_tiers")
    country_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, blank=True)
    country_alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, blank=True)
    country_name = models.CharField(_("country as published"), max_length=120)
    year = models.PositiveSmallIntegerField(_("report year"))
    tier = models.CharField(_("tier"), max_length=8, choices=TipTierChoice.choices)
    line = models.PositiveIntegerField(_("line in the source file"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country_name", "year"], name="countries_tier_unique_name_year"),
            models.UniqueConstraint(
                fields=["country_alpha3", "year"],
                condition=~Q(country_alpha3=""),
                name="countries_tier_unique_country_year",
            ),
        ]
        ordering = ["country_alpha3", "year"]


class GlotipFigure(models.Model):
    """One cell of the UNODC export. ``value`` is None exactly when the count was suppressed ("<5")."""

    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="glotip_figures")
    # The export repeats some keys with different values, so the row number, not the key, is what is unique.
    line = models.PositiveIntegerField(_("row in the source file"))
    country_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, blank=True)
    country_alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, blank=True)
    country_name = models.CharField(_("country as published"), max_length=120)
    region = models.CharField(_("region"), max_length=60, blank=True)
    subregion = models.CharField(_("subregion"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=60, choices=_choices(Indicator))
    dimension = models.CharField(_("dimension"), max_length=40, choices=_choices(Dimension))
    # Form of exploitation, citizenship or country of repatriation, or "Total", as the country reported it.
    category = models.CharField(_("category"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=_choices(Sex))
    age = models.CharField(_("age group"), max_length=20, choices=_choices(AgeGroup))
    unit = models.CharField(_("unit of measurement"), max_length=20)
    value = models.PositiveIntegerField(_("count"), null=True, blank=True)
    censored_below = models.PositiveSmallIntegerField(_("suppressed count, below"), null=True, blank=True)
    published_value = models.CharField(_("value as published"), max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "line"], name="countries_glotip_unique_line"),
            # Either a count or a censoring bound, never both, never neither: a "<5" can never turn into 0.
            models.CheckConstraint(
                condition=Q(value__isnull=True, censored_below__isnull=False)
                | Q(value__isnull=False, censored_below__isnull=True),
                name="countries_glotip_value_xor_censored",
            ),
        ]
        indexes = [
            models.Index(fields=["country_alpha3", "indicator", "year"], name="countries_glotip_series"),
            models.Index(fields=["indicator", "year"], name="countries_glotip_indicator"),
        ]
        ordering = ["country_alpha3", "indicator", "year", "line"]

    @property
    def form_of_exploitation(self) -> str | None:
        """The form of exploitation, for rows broken down by it (the export keeps it in Category)."""
        return self.category if self.dimension == Dimension.FORM_OF_EXPLOITATION else None


class CriminalisationLevel(models.TextChoices):
    # Values equal threefold.countries.loaders.criminalisation.Level.
    NONE = "none", _("not criminalised")
    PARTIAL = "partial", _("partly criminalised")
    FULL = "full", _("fully criminalised")


class Country(models.Model):
    """An ISO 3166-1 country (and Kosovo) with its UN M49 region and sub-region where a source gives them."""

    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="countries")
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=120)
    region_code = models.CharField(_("M49 region code"), max_length=3, blank=True)
    region = models.CharField(_("M49 region"), max_length=60, blank=True)
    subregion_code = models.CharField(_("M49 sub-region code"), max_length=3, blank=True)
    subregion = models.CharField(_("M49 sub-region"), max_length=60, blank=True)
    line = models.PositiveIntegerField(_("line in the source file"))

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.alpha3})"


class Criminalisation(models.Model):
    """How far a country's law criminalised trafficking in a year (the source has snapshot years only)."""

    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="criminalisations")
    country_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3)
    country_alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=8, choices=CriminalisationLevel.choices)
    line = models.PositiveIntegerField(_("line in the source file"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country_alpha3", "year"], name="countries_criminalisation_unique_year"
            )
        ]
        ordering = ["country_alpha3", "year"]


class WalkFreeEstimate(models.Model):
    """Walk Free's estimate of modern slavery in a country; no estimate is None, never 0."""

    source = models.ForeignKey(ReferenceSource, on_delete=models.CASCADE, related_name="walk_free_estimates")
    country_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    country_alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2)
    country_name = models.CharField(_("country as published"), max_length=120)
    walk_free_region = models.CharField(_("Walk Free region"), max_length=60, blank=True)
    edition = models.PositiveSmallIntegerField(_("Global Slavery Index edition"))
    population = models.BigIntegerField(_("population"), null=True, blank=True)
    prevalence_per_1000 = models.DecimalField(
        _("estimated prevalence per 1,000"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    estimated_number = models.BigIntegerField(_("estimated number of people"), null=True, blank=True)
    line = models.PositiveIntegerField(_("line in the source file"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(prevalence_per_1000__isnull=True, estimated_number__isnull=True)
                | Q(prevalence_per_1000__isnull=False, estimated_number__isnull=False),
                name="countries_walk_free_both_or_neither",
            )
        ]
        ordering = ["country_alpha3"]
