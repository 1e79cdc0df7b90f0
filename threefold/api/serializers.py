from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold.protect.access import DuplicateReport, OpenedPerson, VisibleMatch
from threefold.protect.duplicates import Band, Reason
from threefold.protect.htcds import GENDER
from threefold.protect.identity import MAX_AGE, MAX_CODES, Identity


class MeSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    display_name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)


class IdentitySerializer(serializers.Serializer[Any]):
    given_names = serializers.CharField(max_length=200, allow_blank=True, default="")
    family_names = serializers.CharField(max_length=200, allow_blank=True, default="")
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), default=list, max_length=20)
    date_of_birth = serializers.DateField(allow_null=True, required=False, default=None)
    phones = serializers.ListField(child=serializers.CharField(max_length=40), default=list, max_length=10)
    emails = serializers.ListField(child=serializers.EmailField(), default=list, max_length=10)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3),
        default=list,
        max_length=MAX_CODES,
        help_text="ISO 639-1 (two letters) or ISO 639-3 (three letters) codes.",
    )
    citizenships = serializers.ListField(
        child=serializers.CharField(max_length=2),
        default=list,
        max_length=MAX_CODES,
        help_text="ISO 3166-1 alpha-2 codes; empty if unknown or stateless.",
    )
    gender = serializers.ChoiceField(
        choices=["", *GENDER], allow_blank=True, default="", help_text="HTCDS prs_Gender."
    )
    estimated_age = serializers.IntegerField(min_value=0, max_value=MAX_AGE, allow_null=True, default=None)
    age_estimated_on = serializers.DateField(
        allow_null=True, default=None, help_text="Required with estimated_age: the day the age was estimated."
    )

    def to_identity(self) -> Identity:
        data = self.validated_data
        return Identity(
            given_names=data["given_names"],
            family_names=data["family_names"],
            aliases=tuple(data["aliases"]),
            date_of_birth=data["date_of_birth"],
            phones=tuple(data["phones"]),
            emails=tuple(data["emails"]),
            languages=tuple(data["languages"]),
            citizenships=tuple(data["citizenships"]),
            gender=data["gender"],
            estimated_age=data["estimated_age"],
            age_estimated_on=data["age_estimated_on"],
        )


class PersonCreateSerializer(IdentitySerializer):
    confirmed_new = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text="Record the person even though possible duplicates were reported (after checking them).",
    )


class PersonSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    identity = IdentitySerializer()

    @staticmethod
    def from_opened(opened: OpenedPerson) -> dict[str, Any]:
        return {
            "reference": opened.person.reference,
            "version": opened.person.version,
            "created_at": opened.person.created_at,
            "identity": opened.identity.to_json(),
        }


class CreatedPersonSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()


class VisibleDuplicateSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    band = serializers.ChoiceField(choices=[band.value for band in Band])
    name = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=[reason.value for reason in Reason])
    )


class RestrictedDuplicateSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    band = serializers.ChoiceField(choices=[band.value for band in Band])


class DuplicateReportSerializer(serializers.Serializer[Any]):
    """Possible duplicates, limited to what the caller may know (see ``protect.access.possible_duplicates``)."""

    visible = VisibleDuplicateSerializer(many=True, help_text="People the caller may open, with the reasons.")
    in_organisation = RestrictedDuplicateSerializer(
        many=True, help_text="People of the caller's organisation they may not open: ask a supervisor."
    )
    elsewhere = serializers.BooleanField(
        help_text="Another organisation may know the person: ask by referral."
    )
    withheld = serializers.BooleanField(help_text="For roles that never read identities: matches exist.")

    @staticmethod
    def from_report(report: DuplicateReport) -> dict[str, Any]:
        return {
            "visible": [_visible_duplicate(match) for match in report.visible],
            "in_organisation": [
                {"reference": match.reference, "band": match.band.value} for match in report.in_organisation
            ],
            "elsewhere": report.elsewhere,
            "withheld": report.withheld,
        }


def _visible_duplicate(match: VisibleMatch) -> dict[str, Any]:
    return {
        "reference": match.opened.person.reference,
        "band": match.band.value if match.band else None,
        "name": match.opened.identity.full_name,
        "reasons": [reason.value for reason in match.assessment.reasons],
    }


class DuplicateConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    possible_duplicates = DuplicateReportSerializer()
