"""Publisher namespaces by self-service: a claim in the portal, decided by an operator.

The verification step is an **operator approval queue**.  A tenant's owner claims a name
and says why it is theirs (a company, a project, a GitHub organisation); the claim is
`pending` and the portal shows it as such; an operator approves or rejects it with a note
(`POST /v1/admin/namespace-claims/{id}/approve|reject` with an `admin` API key), and
approval creates the namespace for the tenant.  Chosen over automatic checks because the
hub cannot reach DNS or a code host offline and an e-mail domain proves nothing about a
name like `http-safety`; a human decides, and the rules below keep obvious abuse out of
the queue.  Documented in docs/publishing.md.

Refused at claim time (and re-checked at approval):
- names that are not lowercase ASCII letters, digits and '-' (64 at most): no capitals,
  no Unicode look-alikes (`Acme`, Cyrillic `аcme`, full-width letters);
- reserved names (`gocheck`, which holds the built-in `gocheck/core`, `rulehub`, `admin`...);
- names whose *skeleton* equals that of a reserved name or of another tenant's namespace:
  the skeleton folds '-' away and the ASCII look-alikes 0/o, 1/l/i, 5/s, rn/m, vv/w, so
  `g0check`, `go-check`, `rnicrosoft` and `acrne` cannot imitate `gocheck`, `microsoft`
  or `acme`;
- a second pending claim of the same name by the same tenant, and more than
  MAX_PENDING pending claims per tenant.
Claims of the same name by several tenants may wait side by side; approving one rejects
the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rulehub.server.errors import BadRequest, Conflict, Forbidden, NotFound
from rulehub.server.models import Account, Namespace, NamespaceClaim, Tenant, utcnow

NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED = frozenset({
    "gocheck", "core", "rulehub", "admin", "administrator", "official", "go", "golang", "std", "stdlib",
    "root", "api", "www", "static", "docs", "tuf", "support", "security", "staff", "system", "hub",
})
MAX_PENDING = 3
_FOLDS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"), ("-", ""))


def skeleton(name: str) -> str:
    """`name` with look-alike characters folded (`g0-check` -> `gocheck`, `rnicrosoft` -> `microsoft`)."""
    out = name.lower()
    for seen, meant in _FOLDS:
        out = out.replace(seen, meant)
    return out


_RESERVED_SKELETONS = {skeleton(n): n for n in RESERVED}


def check_claimable(session: Session, tenant_id: int, name: str) -> None:
    """Raise unless `tenant_id` may have `name` (format, reserved, taken, imitation)."""
    if name != name.strip() or not NAME_RE.fullmatch(name):
        hint = f" (did you mean {name.strip().lower()!r}?)" if name.strip().lower() != name and \
            NAME_RE.fullmatch(name.strip().lower()) else ""
        raise BadRequest(f"a namespace is 1-64 lowercase letters a-z, digits and '-', not starting or ending with "
                         f"'-'{hint}", code="invalid_namespace")
    sk = skeleton(name)
    if name in RESERVED or sk in _RESERVED_SKELETONS:
        meant = _RESERVED_SKELETONS.get(sk, name)
        raise Forbidden(f"{name!r} is reserved" + ("" if meant == name else f" (it reads as {meant!r})"),
                        code="namespace_reserved")
    taken = session.scalars(select(Namespace).where(Namespace.name == name)).first()
    if taken is not None:
        mine = taken.tenant_id == tenant_id
        raise Conflict(f"namespace {name!r} is {'already yours' if mine else 'taken'}", code="namespace_exists")
    for other in session.scalars(select(Namespace).where(Namespace.tenant_id != tenant_id)):
        if skeleton(other.name) == sk:
            raise Forbidden(f"{name!r} looks like the namespace {other.name!r} of another publisher",
                            code="namespace_lookalike")


def claim(session: Session, account: Account, name: str, reason: str) -> NamespaceClaim:
    """Queue `account`'s tenant's claim on `name` for an operator.  Owners only."""
    if account.role != "owner":
        raise Forbidden("only the team's owner can claim a namespace", code="not_owner")
    check_claimable(session, account.tenant_id, name)
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise BadRequest("say why the name is yours (your company, project or organisation)", code="reason_required")
    pending = list(session.scalars(select(NamespaceClaim).where(
        NamespaceClaim.tenant_id == account.tenant_id, NamespaceClaim.status == "pending")))
    if any(c.name == name for c in pending):
        raise Conflict(f"you have already claimed {name!r}; it is waiting for an operator", code="claim_pending")
    if len(pending) >= MAX_PENDING:
        raise Conflict(f"you have {len(pending)} claims waiting; wait for a decision before claiming more",
                       code="too_many_claims")
    row = NamespaceClaim(name=name, skeleton=skeleton(name), tenant_id=account.tenant_id, account_id=account.id,
                         reason=reason, status="pending")
    session.add(row)
    session.flush()
    return row


def tenant_claims(session: Session, tenant_id: int) -> list[NamespaceClaim]:
    """The tenant's claims, newest first."""
    return list(session.scalars(select(NamespaceClaim).where(NamespaceClaim.tenant_id == tenant_id)
                                .order_by(NamespaceClaim.id.desc())))


@dataclass(frozen=True)
class QueuedClaim:
    id: int
    name: str
    tenant: str
    reason: str
    status: str
    created_at: str
    rivals: int  # other pending claims on a name with the same skeleton


def queue(session: Session, *, status: str = "pending") -> list[QueuedClaim]:
    """Claims for the operator, oldest first."""
    rows = session.execute(select(NamespaceClaim, Tenant.slug).join(Tenant, Tenant.id == NamespaceClaim.tenant_id)
                           .where(NamespaceClaim.status == status).order_by(NamespaceClaim.id)).all()
    counts = dict(session.execute(select(NamespaceClaim.skeleton, func.count()).where(
        NamespaceClaim.status == "pending").group_by(NamespaceClaim.skeleton)).tuples().all())
    return [QueuedClaim(id=c.id, name=c.name, tenant=slug, reason=c.reason, status=c.status,
                        created_at=c.created_at.isoformat(), rivals=max(0, counts.get(c.skeleton, 1) - 1))
            for c, slug in rows]


def decide(session: Session, claim_id: int, *, approve: bool, note: str = "") -> NamespaceClaim:
    """Approve (creating the namespace; rival pending claims are rejected) or reject a pending claim."""
    row = session.get(NamespaceClaim, claim_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no namespace claim {claim_id}", code="claim_not_found")
    if row.status != "pending":
        raise Conflict(f"claim {claim_id} was already {row.status}", code="claim_decided")
    now = utcnow()
    row.note = " ".join(note.split())[:500]
    row.decided_at = now
    if not approve:
        row.status = "rejected"
        return row
    check_claimable(session, row.tenant_id, row.name)  # still free, still not an imitation
    session.add(Namespace(name=row.name, tenant_id=row.tenant_id))
    row.status = "approved"
    for rival in session.scalars(select(NamespaceClaim).where(
            NamespaceClaim.skeleton == row.skeleton, NamespaceClaim.status == "pending", NamespaceClaim.id != row.id)):
        rival.status, rival.decided_at = "rejected", now
        rival.note = f"{row.name!r} went to another publisher"
    session.flush()
    return row
