"""Read-only views the portal's pages need (charts, per-pack usage, publisher listings).

Nothing here changes state: every change goes through the service functions
(rulehub.server.services), like the API's and the admin CLI's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rulehub.server.models import Namespace, Pack, PackVersion, utcnow
from rulehub.server.services import usage


@dataclass(frozen=True)
class DayCount:
    day: date
    downloads: int


def daily_downloads(session: Session, tenant_id: int, days: int = 30, today: date | None = None) -> list[DayCount]:
    """One entry per day for the last `days` days (zeros included), oldest first."""
    today = today or utcnow().date()
    start = today - timedelta(days=days - 1)
    since = datetime(start.year, start.month, start.day, tzinfo=utcnow().tzinfo)
    summary = usage.usage_summary(session, tenant_id, since=since)
    counts = {d.date[:10]: d.downloads for d in summary.daily}
    return [DayCount(day=start + timedelta(days=i), downloads=counts.get(str(start + timedelta(days=i)), 0))
            for i in range(days)]


@dataclass
class PackUsage:
    """Downloads of one pack (all time), with the versions fetched."""

    name: str
    downloads: int = 0
    bytes: int = 0
    versions: list[str] = field(default_factory=list)
    last: str = ""


def per_pack_usage(session: Session, tenant_id: int) -> list[PackUsage]:
    """Downloads per pack (all time) with the versions fetched, most downloaded first."""
    packs: dict[str, PackUsage] = {}
    for row in usage.usage_summary(session, tenant_id).packs:
        entry = packs.setdefault(row.name, PackUsage(row.name))
        entry.downloads += row.downloads
        entry.bytes += row.bytes
        entry.versions.append(row.version)
        entry.last = max(entry.last, row.last_download_at or "")
    return sorted(packs.values(), key=lambda p: (-p.downloads, p.name))


@dataclass(frozen=True)
class PublisherPack:
    name: str
    tier: str
    private: bool
    versions: list[PackVersion]


def publisher_packs(session: Session, tenant_id: int) -> dict[str, list[PublisherPack]]:
    """The tenant's namespaces, each with its packs and every version (newest first)."""
    out: dict[str, list[PublisherPack]] = {}
    for ns in session.scalars(select(Namespace).where(Namespace.tenant_id == tenant_id).order_by(Namespace.name)):
        packs = session.scalars(
            select(Pack).where(Pack.namespace_id == ns.id).options(selectinload(Pack.versions)).order_by(Pack.name)
        ).all()
        out[ns.name] = [
            PublisherPack(name=p.name, tier=p.tier, private=p.private,
                          versions=sorted(p.versions, key=lambda v: v.id, reverse=True))
            for p in packs
        ]
    return out


def install_range(version: str | None) -> str:
    """The `^X.Y` range the install snippet suggests for a version (`^1.4` for 1.4.2)."""
    match = re.match(r"^(\d+)\.(\d+)\.", version or "")
    if not match:
        return version or "*"
    return f"^{match.group(1)}.{match.group(2)}"
