"""Views never query a protected model themselves: reads go through ``access``, writes through ``services``.

A static check (ast) over the modules that face a browser or an API client. It flags ``<Model>.objects``,
``<Model>._default_manager`` and ``<Model>._base_manager`` for every protected model, under any import alias.

ApiToken is protected too: a token row is a credential (its hash, prefix and last use), and a view that forgot
``user=request.user`` would list or revoke other people's tokens. Its reads live in ``accounts.access``
(``my_tokens``, ``get_my_token``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "threefold"

PROTECTED_MODELS: dict[str, str] = {
    "Person": "protect",
    "PersonIndex": "protect",
    "AuditEntry": "audit",
    "DataKey": "vault",
    "AccessGrant": "accounts",
    "Membership": "accounts",
    "Invitation": "accounts",
    "ApiToken": "accounts",
    # Participation (issue 8): consultations and their counts, links, sealed free text, survivor leaders.
    **{
        name: "participate"
        for name in (
            "Consultation",
            "Question",
            "Tally",
            "TextAnswer",
            "Change",
            "AnswerLink",
            "LinkIssue",
            "FeedbackTally",
            "FeedbackComment",
            "FeedbackHeld",
            "Leader",
            "LeaderActivity",
            "LeaderSupport",
            "LeaderPayment",
        )
    },
    # Training (issue 8): participants' sealed names and e-mails and their follow-ups.
    "Participant": "training",
    "FollowUp": "training",
}
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})

# Modules a request reaches directly: views of every kind and what renders or parses for them.
FACING_NAMES = frozenset({"views.py", "web_views.py", "serializers.py", "forms.py", "context_processors.py"})
# Every module of the API app is request-facing, except the one whose job is to look a bearer token up by hash.
API_EXEMPT = {
    "authentication.py": "resolves a bearer token by its SHA-256: that lookup is the authentication"
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.aliases: dict[str, str] = {name: name for name in PROTECTED_MODELS}
        self.found: list[Violation] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in PROTECTED_MODELS:
                self.aliases[alias.asname or alias.name] = alias.name
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MANAGERS:
            model = self._model(node.value)
            if model is not None:
                self.found.append(Violation(self.path, node.lineno, f"{model}.{node.attr}"))
        self.generic_visit(node)

    def _model(self, node: ast.expr) -> str | None:
        # ``Person`` or ``models.Person`` or ``threefold.protect.models.Person`` (and aliases of the name).
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute) and node.attr in PROTECTED_MODELS:
            return node.attr
        return None


def violations_in(source: str, path: str = "<source>") -> list[Violation]:
    finder = _Finder(path)
    finder.visit(ast.parse(source, filename=path))
    return finder.found


def facing_modules() -> list[Path]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        in_api = path.parent == PACKAGE / "api"
        if (
            path.name in FACING_NAMES
            or path.name.endswith("_views.py")
            or (path.parent.name == "views" and path.name != "__init__.py")
            or path.name.startswith("forms")
            or "templatetags" in path.parts
            or (
                in_api
                and path.name not in API_EXEMPT
                and path.name not in {"__init__.py", "apps.py", "urls.py"}
            )
        ):
            modules.append(path)
    return modules


def test_protected_models_are_real_models() -> None:
    """A renamed model would silently escape the check: every name must still be a model of its app."""
    for name, app_label in PROTECTED_MODELS.items():
        assert apps.get_model(app_label, name).__name__ == name


def test_the_check_covers_the_views_of_every_app() -> None:
    relative = {str(path.relative_to(REPO)) for path in facing_modules()}
    for expected in (
        "threefold/protect/views.py",
        "threefold/accounts/views.py",
        "threefold/audit/views.py",
        "threefold/web/views.py",
        "threefold/api/views.py",
        "threefold/api/web_views.py",
        "threefold/api/serializers.py",
        "threefold/api/permissions.py",
    ):
        assert expected in relative
    assert "threefold/api/authentication.py" not in relative


@pytest.mark.parametrize("path", facing_modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_views_load_protected_models_only_through_access(path: Path) -> None:
    found = violations_in(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert not found, "use the app's access.py (reads) or services.py (writes) instead of:\n" + "\n".join(
        map(str, found)
    )


@pytest.mark.parametrize(
    "source",
    [
        "from threefold.protect.models import Person\n\ndef v(request):\n    return Person.objects.all()\n",
        "from threefold.protect.models import Person as P\n\ndef v(r):\n    return P._default_manager.get(pk=1)\n",
        "from threefold.accounts import models\n\ndef v(r):\n    return models.ApiToken.objects.filter(pk=1)\n",
        "import threefold.audit.models\nx = threefold.audit.models.AuditEntry._base_manager.count()\n",
        "from threefold.accounts.models import Membership\nclass V:\n    queryset = Membership.objects.none()\n",
    ],
    ids=["plain", "alias-default-manager", "module-attribute", "dotted-base-manager", "class-attribute"],
)
def test_the_check_catches_direct_queries(source: str) -> None:
    assert len(violations_in(source)) == 1


def test_the_check_allows_access_functions_and_unprotected_models() -> None:
    source = (
        "from threefold.accounts.models import Organisation\n"
        "from threefold.protect import access\n"
        "def v(request):\n"
        "    Organisation.objects.all()\n"
        "    return access.my_persons(request.actor), access.Person\n"
    )
    assert violations_in(source) == []
