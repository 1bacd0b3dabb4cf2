"""Rule IDs: `namespace/pack/rule`, the name a pack's rule runs under (and is found by on a hub).

    rule_id("acme/http-safety", "insecure-tls")           -> "acme/http-safety/insecure-tls"
    rule_id("acme/http-safety", "acme/http-safety/x")     -> "acme/http-safety/x" (already full)
    pack_of("acme/http-safety/insecure-tls")              -> "acme/http-safety"
    pack_of("deferinloop")                                -> None (a core rule, no pack)

The hub signs the IDs of every public pack version in its TUF targets (rulehub.server.services.
rule_index); the loader maps an ID to pack versions only through those signed lists
(rulehub.loader.rule_index).  Safe on untrusted input: pure string work.
"""

from __future__ import annotations

import re

# A pack's name, `namespace/name` (rulehub.pack.manifest validates pack.toml with it).
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
# ns/pack/rule: the pack name's two segments, then the rule's own name (letters, digits, _ . - /).
_RULE_ID = re.compile(r"^([a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9_./-]{0,199})$")


def rule_id(pack: str, name: str) -> str:
    """The full ID of rule `name` of `pack`: a pack's rules run under its own name."""
    return name if name.startswith(pack + "/") else f"{pack}/{name}"


def pack_of(text: str) -> str | None:
    """The pack a namespaced rule ID names, or None if `text` is no rule ID (a core rule or a pack name)."""
    m = _RULE_ID.match(text.strip())
    if m is None or not NAME_RE.match(m.group(1)):
        return None
    return m.group(1)


def is_rule_id(text: str) -> bool:
    return pack_of(text) is not None
