from __future__ import annotations

from typing import Any

from rest_framework import serializers

from threefold.protect.access import OpenedPerson
from threefold.protect.identity import Identity


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

    def to_identity(self) -> Identity:
        data = self.validated_data
        return Identity(
            given_names=data["given_names"],
            family_names=data["family_names"],
            aliases=tuple(data["aliases"]),
            date_of_birth=data["date_of_birth"],
            phones=tuple(data["phones"]),
            emails=tuple(data["emails"]),
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
