"""Case management at scale: the caseload list, name search and the case page over 100,000 cases, each timed
next to the raw SQL (and the decryption) the same answer needs.

    .venv/bin/python bench/cases.py --backend sqlite   [--cases 100000] [--caseload 300] [--repeat 7]
    .venv/bin/python bench/cases.py --backend postgres [--database-url postgres://postgres@127.0.0.1:5432/tf_bench]

The database is created from scratch (the PostgreSQL one is dropped first). Survivors' identities are sealed and
indexed exactly as the services do it, but written in bulk: going through ``create_person`` 100,000 times would
time the audit chain, not the reads measured here. "Threefold" is the access function a page calls (scoping,
permission rules, decryption, audit entry); "raw SQL" runs the query that returns the same rows, and
the peer adds what no page may skip: opening the same sealed values (names are encrypted at rest) and writing
the same audit entries (every read of survivor data is audited), with the same calls. The ratio is Threefold's
time over the peer's, so it measures what the access layer and the ORM add: scoping by assignment and grants,
permission rules, query building.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIVEN = [
    "Olga", "Anna", "Maria", "Elena", "Irina", "Fatima", "Amina", "Grace", "Joy", "Blessing", "Mai", "Lan",
    "Thi", "Somchai", "Niran", "Ioana", "Andreea", "Lucia", "Carmen", "Rosa", "Ana", "Li", "Wei", "Mei",
]  # fmt: skip
FAMILY = [
    "Petrova", "Ivanova", "Popescu", "Ionescu", "Nguyen", "Tran", "Le", "Okafor", "Adeyemi", "Mensah",
    "Haddad", "Khalil", "Garcia", "Lopez", "Hernandez", "Wang", "Zhang", "Chen", "Srisuk", "Chaiyaporn",
]  # fmt: skip


def _configure(backend: str, database_url: str | None) -> str:
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="tf-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        url = database_url or "postgres://postgres@127.0.0.1:5432/tf_bench"
        _recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threefold.settings.test")
    import django

    django.setup()
    return url


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _name(i: int) -> tuple[str, str]:
    # Two given names and two family names, as many survivors have: 230,400 distinct people, all pronounceable.
    g, f = len(GIVEN), len(FAMILY)
    given = f"{GIVEN[i % g]} {GIVEN[(i // g) % g]}"
    family = f"{FAMILY[(i // (g * g)) % f]} {FAMILY[(i // (g * g * f)) % f]}"
    return given, family


def build(cases: int, caseload: int) -> dict[str, object]:
    from django.core.management import call_command

    from threefold.accounts.actor import Actor
    from threefold.accounts.models import Membership, Organisation, User
    from threefold.accounts.roles import Role
    from threefold.protect.identity import Identity, index_terms
    from threefold.protect.models import Case, CaseEvent, Person, PersonIndex, identity_context, new_reference
    from threefold.protect.victim_context import VictimContext
    from threefold.vault import sealed

    call_command("migrate", verbosity=0)
    # Bulk building only: remember the organisation's key and the blind-index key instead of loading and
    # unwrapping them for every value, which is what makes 100,000 people take minutes instead of seconds.
    sealed.active_key = cache(sealed.active_key)  # type: ignore[assignment]
    sealed.unwrap = cache(sealed.unwrap)  # type: ignore[assignment]
    sealed._blind_key = cache(sealed._blind_key)  # type: ignore[assignment]
    org = Organisation.objects.create(name="Bench shelter", type="NGO", country="GB")
    user = User.objects.create_user("caseworker@bench.invalid", "bench-password-123")
    membership = Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER)
    actor = Actor(user, membership)
    context_blob = VictimContext(exploitation_types=("ForcedLabour",)).to_json()

    started = time.perf_counter()
    batch = 5000
    for start in range(0, cases, batch):
        people, terms, case_rows = [], [], []
        for i in range(start, min(start + batch, cases)):
            given, family = _name(i)
            identity = Identity(given_names=given, family_names=family, phones=(f"+44 7700 9{i:05d}",))
            person = Person(reference=new_reference(), organisation=org)
            person.identity = sealed.seal_json(
                identity.to_json(), organisation_id=org.pk, context=identity_context(person)
            )
            people.append((person, identity))
        Person.objects.bulk_create([p for p, _ in people])
        for person, identity in people:
            for kind, digest in index_terms(identity, lambda value, kind: sealed.blind(value, kind=kind)):
                terms.append(PersonIndex(person=person, kind=kind, digest=digest))
            case = Case(organisation=org, person=person)
            case.context = sealed.seal_json(
                context_blob,
                organisation_id=org.pk,
                context=sealed.row_context("protect.case.context", case.reference),
            )
            case_rows.append(case)
        PersonIndex.objects.bulk_create(terms)
        Case.objects.bulk_create(case_rows)
        print(f"  built {min(start + batch, cases):>7} cases", file=sys.stderr, end="\r")
    # The caseworker's caseload: every n-th person, spread over the table as real assignments are.
    step = max(1, cases // caseload)
    mine = list(Person.objects.order_by("pk").values_list("pk", flat=True)[::step][:caseload])
    Person.assigned_to.through.objects.bulk_create(
        [Person.assigned_to.through(person_id=pk, user_id=user.pk) for pk in mine]
    )
    sample = Case.objects.filter(person_id=mine[len(mine) // 2]).get()
    CaseEvent.objects.bulk_create([CaseEvent(case=sample, organisation=org, kind="note") for _ in range(20)])
    print(f"  built {cases} cases in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for name in ("active_key", "unwrap", "_blind_key"):
        setattr(sealed, name, getattr(sealed, name).__wrapped__)  # measure the real, uncached code paths
    searched = Person.objects.get(pk=mine[len(mine) // 3])
    return {"actor": actor, "case": sample, "person": searched, "org": org}


def timed(function: Callable[[], object], repeat: int) -> float:
    function()  # warm caches (prepared statements, key unwrapping) as a running server would have
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def measure(world: dict[str, object], repeat: int) -> list[tuple[str, float, float, float]]:
    from django.db import connection
    from django.utils import timezone

    from threefold.accounts.actor import Actor
    from threefold.protect import access, case_access
    from threefold.protect.identity import Identity, index_terms
    from threefold.protect.models import Case, Person, identity_context
    from threefold.vault import sealed

    actor = world["actor"]
    case = world["case"]
    person = world["person"]
    assert isinstance(actor, Actor)
    assert isinstance(case, Case)
    assert isinstance(person, Person)
    name = access.open_many([person])[0].identity.full_name

    def decrypt(rows: list[tuple[str, int, bytes]]) -> list[Identity]:
        keys = sealed.keys_for(bytes(blob) for _, _, blob in rows)
        return [
            Identity.from_json(
                sealed.unseal_json(
                    bytes(blob),
                    organisation_id=org_id,
                    context=identity_context(Person(reference=ref)),
                    keys=keys,
                )
            )
            for ref, org_id, blob in rows
        ]

    def caseload_sql() -> list[tuple[str, int, bytes]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.reference, p.organisation_id, p.identity FROM protect_case c "
                "JOIN protect_person p ON p.id = c.person_id "
                "JOIN protect_person_assigned_to a ON a.person_id = p.id "
                "WHERE a.user_id = %s AND p.organisation_id = %s ORDER BY c.updated_at DESC LIMIT 500",
                [actor.user.pk, actor.org_id],
            )
            return cursor.fetchall()

    def search_sql() -> list[tuple[str, int, bytes]]:
        # The same lookups search() makes: whole-name digests (exact and phonetic), or every name part's digest.
        terms = index_terms(Identity(given_names=name), lambda value, kind: sealed.blind(value, kind=kind))
        whole = [d for k, d in terms if k != "name_part"]
        parts = [d for k, d in terms if k == "name_part"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.reference, p.organisation_id, p.identity FROM protect_person p "  # noqa: S608 (placeholders only)
                "JOIN protect_person_assigned_to a ON a.person_id = p.id WHERE a.user_id = %s AND p.id IN ("
                f"SELECT person_id FROM protect_personindex WHERE digest IN ({', '.join(['%s'] * len(whole))}) "
                "UNION SELECT person_id FROM protect_personindex WHERE kind = 'name_part' "
                f"AND digest IN ({', '.join(['%s'] * len(parts))}) "
                "GROUP BY person_id HAVING COUNT(DISTINCT digest) = %s)",
                [actor.user.pk, *whole, *parts, len(parts)],
            )
            return cursor.fetchall()

    def case_page_sql() -> object:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.reference, p.organisation_id, p.identity, c.context FROM protect_case c "
                "JOIN protect_person p ON p.id = c.person_id "
                "JOIN protect_person_assigned_to a ON a.person_id = p.id "
                "WHERE c.reference = %s AND a.user_id = %s",
                [case.reference, actor.user.pk],
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT kind, text, at FROM protect_caseevent WHERE case_id = %s ORDER BY at", [case.pk]
            )
            events = cursor.fetchall()
        return rows, events

    def case_page_sql_decrypt() -> object:
        rows, events = case_page_sql()  # type: ignore[misc]
        identities = decrypt([(r[0], r[1], r[2]) for r in rows])
        context = sealed.unseal_json(
            bytes(rows[0][3]),
            organisation_id=rows[0][1],
            context=sealed.row_context("protect.case.context", case.reference),
        )
        return identities, context, events

    def case_page() -> object:
        opened = case_access.open_case(actor, case.reference)
        return case_access.timeline(opened), case_access.nrm_status(opened, timezone.localdate())

    from django.db import transaction

    from threefold.audit import services as audit
    from threefold.audit.models import Action

    def audited(read: Callable[[], object], *entries: tuple[str, object]) -> Callable[[], object]:
        """The peer plus the audit entries the page must write: the same ``audit.record`` calls, so both sides
        pay the same hash-chained insert and only the reading is compared."""

        def run() -> object:
            result = read()
            with transaction.atomic():
                for action, target in entries:
                    audit.record(actor, Action(action), target)  # type: ignore[arg-type]
            return result

        return run

    found = {o.person.reference for o in access.search(actor, name)}
    assert person.reference in found
    assert found <= {row[0] for row in search_sql()}
    assert len(case_access.my_cases(actor)) == len(caseload_sql())
    listing = ("list", ("protect.case", ""))
    results = []
    for label, ours, raw, peer in (
        (
            "caseload list",
            lambda: case_access.my_cases(actor),
            caseload_sql,
            audited(lambda: decrypt(caseload_sql()), listing),
        ),
        (
            "name search",
            lambda: access.search(actor, name),
            search_sql,
            audited(lambda: decrypt(search_sql()), ("search", ("protect.person", ""))),
        ),
        (
            "case page data",
            case_page,
            case_page_sql,
            audited(case_page_sql_decrypt, ("view", case.person), ("view", case)),
        ),
    ):
        results.append((label, timed(ours, repeat), timed(raw, repeat), timed(peer, repeat)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--caseload", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    url = _configure(args.backend, args.database_url)
    world = build(args.cases, args.caseload)
    rows = measure(world, args.repeat)
    print(
        f"{args.cases} cases, caseload {args.caseload}, {args.backend} ({url.split('@')[-1]}), median of {args.repeat}"
    )
    print(f"{'operation':<16} {'Threefold':>11} {'raw SQL':>10} {'SQL+decrypt+audit':>18} {'ratio':>7}")
    for label, ours, raw, peer in rows:
        print(f"{label:<16} {ours:>9.1f}ms {raw:>8.1f}ms {peer:>16.1f}ms {ours / peer:>6.2f}x")
    print("ratio = Threefold / (raw SQL + the same decryption + the same audit entries); target: within 2x")


if __name__ == "__main__":
    main()
