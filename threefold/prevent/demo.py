"""Load the prevent part of the demo world (called by ``manage.py demo``; idempotent).

Everything is for the shelter (Safe Harbour) and recorded by its trainer through the services, so it is audited
like real work. The areas are plainly fictitious ("Demo district 1..12", codes DEMO-01..12) with generated square
boundaries on an empty stretch of map; the demo's screenings and referrals are given areas here, through the
service, rather than in identify's and protect's demo data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.demo import DEMO_DOMAIN
from threefold.accounts.models import Membership, Organisation, User
from threefold.identify.models import Screening
from threefold.prevent import services
from threefold.prevent.models import Area
from threefold.referrals.models import Referral

COLUMNS, ROWS = 4, 3
CODES = [f"DEMO-{n:02d}" for n in range(1, COLUMNS * ROWS + 1)]


def _areas_csv() -> bytes:
    lines = ["code,name,level,row,col"]
    for index, code in enumerate(CODES):
        row, col = divmod(index, COLUMNS)
        lines.append(f"{code},Demo district {index + 1},district,{row},{col}")
    return ("\n".join(lines) + "\n").encode()


def _boundaries() -> bytes:
    # Squares of 0.5 degree in the open sea west of Africa: nobody could take them for real districts.
    features = []
    for index, code in enumerate(CODES):
        row, col = divmod(index, COLUMNS)
        west, north = -30.0 + col * 0.5, 10.0 - row * 0.5
        ring = [
            [west, north],
            [west + 0.5, north],
            [west + 0.5, north - 0.5],
            [west, north - 0.5],
            [west, north],
        ]
        features.append(
            f'{{"type":"Feature","properties":{{"code":"{code}"}},'
            f'"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}'
        )
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


def _indicators_csv(rng: random.Random) -> bytes:
    lines = ["area_code,indicator,year,value,source"]
    for code in CODES:
        poverty = rng.uniform(8, 45)
        for year in (2023, 2024):
            drift = -1.5 if year == 2024 else 0
            lines.append(
                f"{code},poverty_rate,{year},{poverty + drift:.1f},Demo household survey (fictitious)"
            )
            lines.append(
                f"{code},out_of_school_rate,{year},{rng.uniform(2, 25):.1f},Demo school census (fictitious)"
            )
    return ("\n".join(lines) + "\n").encode()


def _pdf(title: str) -> bytes:
    """A tiny valid one-page PDF showing ``title`` (ASCII)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 40 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def load(orgs: dict[str, Organisation], users: dict[str, User]) -> str:
    """Record what is not there yet; return one line saying what was added."""
    org = orgs["shelter"]
    if Area.objects.filter(organisation=org, code=CODES[0]).exists():
        return "Prevent: already loaded."
    user = users[f"trainer@{DEMO_DOMAIN}"]
    actor = Actor(user, Membership.objects.get(user=user, organisation=org))
    rng = random.Random(2026)
    today = timezone.localdate()
    services.import_areas(actor, _areas_csv())
    services.import_boundaries(actor, _boundaries(), "code")
    services.import_indicators(actor, _indicators_csv(rng))

    topics = ["safe_migration", "online_recruitment", "rights", "labour_rights", "where_to_get_help"]
    for n in range(8):
        services.record_session(
            actor,
            services.SessionInput(
                held_on=today - dt.timedelta(days=12 + 21 * n),
                setting=["school", "community"][n % 2],
                topics=rng.sample(topics, 2),
                language=["fr", "en", "ar"][n % 3],
                reach={
                    "12_14": {"female": rng.randint(5, 25), "male": rng.randint(0, 10)},
                    "15_17": {"female": rng.randint(5, 30)},
                    "18_24": {"female": rng.randint(0, 12)},
                },
                area_code=CODES[(n * 5) % len(CODES)],
                place=f"Demo school {n + 1}" if n % 2 == 0 else f"Demo community centre {n + 1}",
                facilitator="Demo facilitator",
            ),
        )

    for n, (title, kind, topic) in enumerate(
        [
            ("Safe migration: questions to ask before you go", "leaflet", "safe_migration"),
            ("Too good to be true? Job offers online", "poster", "online_recruitment"),
            ("Your rights at work", "lesson_plan", "labour_rights"),
        ]
    ):
        upload = SimpleUploadedFile(f"demo-{n}.pdf", _pdf(title), content_type="application/pdf")
        material = services.record_material(
            actor,
            services.MaterialInput(title, kind, topic, "Girls and young women"),
            services.VersionInput("fr", upload),
        )
        services.add_material_version(
            actor, material, services.VersionInput("en", SimpleUploadedFile("en.pdf", _pdf(title + " (EN)")))
        )
    for title, topic in (
        ("Where to get help (video)", "where_to_get_help"),
        ("Know your rights (video)", "rights"),
    ):
        services.record_material(
            actor,
            services.MaterialInput(title, "video_link", topic, "Everyone"),
            services.VersionInput("fr", link="https://example.org/demo-video"),
        )

    for n, title in enumerate(("Demo campaign: safe jobs abroad", "Demo campaign: online safety for girls")):
        starts = today - dt.timedelta(days=150 - 60 * n)
        campaign = services.record_campaign(
            actor,
            services.CampaignInput(
                title,
                starts,
                starts + dt.timedelta(days=120),
                "Raise awareness of the hotline.",
                CODES[n * 6 : n * 6 + 6],
            ),
        )
        for step in range(6):
            services.record_activity(
                actor,
                campaign,
                services.ActivityInput(
                    channel=["event", "poster", "social_media", "radio", "sms", "print"][step],
                    held_on=starts + dt.timedelta(days=18 * step),
                    area_code=CODES[n * 6 + step],
                    cost_amount=Decimal(rng.randint(50, 900)),
                    currency="EUR",
                    people_reached=rng.randint(80, 2500),
                    materials_distributed=rng.randint(0, 400),
                    hotline_contacts=rng.randint(0, 12),
                ),
            )

    placed = 0
    for screening in Screening.objects.filter(organisation=org, area_code=""):
        services.set_screening_area(actor, screening, rng.choice(CODES[:6]))
        placed += 1
    for referral in Referral.objects.filter(from_organisation=org, area_code=""):
        services.set_referral_area(actor, referral, rng.choice(CODES[:6]))
        placed += 1
    return (
        f"Prevent: {len(CODES)} demo areas with boundaries and indicators, 8 education sessions, 5 materials, "
        f"2 campaigns; {placed} screenings and referrals placed in areas."
    )
