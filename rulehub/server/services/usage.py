"""Download records (who, what, when, bytes) and per-tenant usage summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rulehub.server.models import Download, Namespace, Pack, PackVersion, Tenant


def record_download(
    session: Session, *, tenant_id: int, account_id: int | None, version: PackVersion, via: str = "api",
    at: datetime | None = None,
) -> Download:
    row = Download(tenant_id=tenant_id, account_id=account_id, pack_version_id=version.id,
                   pack_name=version.pack.name, version=version.version, bytes=version.size, via=via)
    if at is not None:
        row.at = at
    session.add(row)
    return row


@dataclass(frozen=True)
class VersionUsage:
    name: str
    version: str
    downloads: int
    bytes: int
    last_download_at: str  # ISO 8601


@dataclass(frozen=True)
class DayUsage:
    date: str  # YYYY-MM-DD
    downloads: int


@dataclass(frozen=True)
class UsageSummary:
    """One tenant's downloads: totals, per pack version, and per day (for charts)."""

    tenant: str | None
    downloads: int
    bytes: int
    packs: list[VersionUsage]
    daily: list[DayUsage]


def usage_summary(session: Session, tenant_id: int, *, since: datetime | None = None) -> UsageSummary:
    """Totals and per pack/version counts for one tenant, plus a per-day series for charts."""
    where = [Download.tenant_id == tenant_id]
    if since is not None:
        where.append(Download.at >= since)
    totals = session.execute(
        select(func.count(Download.id), func.coalesce(func.sum(Download.bytes), 0)).where(*where)
    ).one()
    per_version = session.execute(
        select(Download.pack_name, Download.version, func.count(Download.id), func.sum(Download.bytes),
               func.max(Download.at))
        .where(*where).group_by(Download.pack_name, Download.version)
        .order_by(Download.pack_name, Download.version)
    ).all()
    day = func.date(Download.at)
    per_day = session.execute(
        select(day, func.count(Download.id)).where(*where).group_by(day).order_by(day)
    ).all()
    tenant = session.get(Tenant, tenant_id)
    return UsageSummary(
        tenant=tenant.slug if tenant else None,
        downloads=int(totals[0]),
        bytes=int(totals[1]),
        packs=[
            VersionUsage(name=name, version=version, downloads=int(count), bytes=int(total or 0),
                         last_download_at=last.isoformat() if hasattr(last, "isoformat") else str(last))
            for name, version, count, total, last in per_version
        ],
        daily=[DayUsage(date=str(d), downloads=int(c)) for d, c in per_day],
    )


def recent_downloads(session: Session, tenant_id: int, limit: int = 50) -> list[Download]:
    return list(session.scalars(
        select(Download).where(Download.tenant_id == tenant_id).order_by(Download.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class PublisherDay:
    pack: str
    version: str
    date: str  # YYYY-MM-DD
    downloads: int


def publisher_downloads(session: Session, tenant_id: int, *, since: datetime | None = None) -> list[PublisherDay]:
    """Downloads of the packs in the tenant's namespaces (by anyone), per pack, version and day,
    newest day first: what a publisher sees of its packs' use."""
    day = func.date(Download.at)
    query = (select(Download.pack_name, Download.version, day, func.count(Download.id))
             .join(PackVersion, PackVersion.id == Download.pack_version_id)
             .join(Pack, Pack.id == PackVersion.pack_id)
             .join(Namespace, Namespace.id == Pack.namespace_id)
             .where(Namespace.tenant_id == tenant_id)
             .group_by(Download.pack_name, Download.version, day)
             .order_by(day.desc(), Download.pack_name, Download.version))
    if since is not None:
        query = query.where(Download.at >= since)
    return [PublisherDay(pack=p, version=v, date=str(d), downloads=int(c)) for p, v, d, c in session.execute(query)]


def download_counts(session: Session) -> dict[str, int]:
    """All-time downloads per pack name, for the catalogue."""
    rows = session.execute(select(Download.pack_name, func.count(Download.id)).group_by(Download.pack_name))
    return {name: int(count) for name, count in rows}
