"""How every write endpoint answers a refusal from the services, so that a client learns one set of rules.

* a stale ``version`` (``ConflictError``): 409, nothing written;
* a value the rules refuse: 400 naming its field (services raise ``"field: message"`` ValueErrors, ``PlanError``
  with a ``field``, or Django ``ValidationError`` keyed by argument name);
* a missing consent (``ConsentRequired``): 400 under ``consent``, or under ``override_reason`` when an override
  was asked for and refused. Not 409: here 409 means "read again and retry", which never helps; what helps is
  recording the person's consent (or an override by someone allowed to), a change to other data or to the
  request, as for any other 400.

``PermissionDenied`` (403) and ``Http404`` (404) need nothing here: DRF's exception handler answers them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from threefold.accounts.actor import Actor
from threefold.consent.services import ConsentRequired, OverrideRefused
from threefold.plans.services import PlanError
from threefold.protect.services import ConflictError

T = TypeVar("T")

CONFLICT = "Someone saved this since you read it; nothing was written. Read it again, then retry."


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = CONFLICT
    default_code = "conflict"


def service_call(call: Callable[[], T], *, fields: Mapping[str, str] | None = None) -> T:
    """Run a service write and translate its refusals as the module docstring says.

    ``fields`` renames a service's argument names to the request's field names where they differ (a referral's
    ``to_org`` is the request's ``to_organisation``), so the 400 names what the client sent.
    """
    renamed = fields or {}
    try:
        return call()
    except ConflictError:
        raise Conflict from None
    except OverrideRefused as exc:
        raise ValidationError({"override_reason": [exc.message]}) from None
    except ConsentRequired as exc:
        raise ValidationError({"consent": [exc.message]}) from None
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {renamed.get(field, field): messages for field, messages in exc.message_dict.items()}
            ) from None
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages}) from None
    except PlanError as exc:
        # Its message may itself contain ": " ("The case is closed: reopen it..."), so use its own field.
        field = renamed.get(exc.field, exc.field) or api_settings.NON_FIELD_ERRORS_KEY
        raise ValidationError({field: [exc.message]}) from None
    except ValueError as exc:  # CaseError, ContextError, TransitionError: "field: message"
        field, _, message = str(exc).partition(": ")
        raise ValidationError({renamed.get(field, field): [message or field]}) from None


def actor_of(request: Request) -> Actor:
    """The actor ``permissions.IsMember`` set on the request (every endpoint of these modules requires it)."""
    return request.actor  # type: ignore[attr-defined]
