"""rulehub.loader.rule_index on signed-index data: which version a rule ID resolves to, and the
refusals a user reads (ambiguity, a rule that moved, Go range, tier, unknown); plus the lock
and config edits that record a rule enabled by ID."""

from __future__ import annotations

import pytest

from rulehub.loader import lockfile
from rulehub.loader.errors import VerificationError
from rulehub.loader.lockfile import LockedPack, LockFile
from rulehub.loader.projectconfig import with_enabled_rules
from rulehub.loader.rule_index import (
    RuleResolutionError,
    SignedVersion,
    check_claims,
    choose,
)

HUB = "https://hub.example"


def v(pack: str, version: str, *rules: str, tier: str = "free", go: str = "", yanked: bool = False) -> SignedVersion:
    return SignedVersion(pack, version, tier, go, yanked, frozenset(rules), f"{pack}/{version}.tar.gz", "ab" * 32)


def test_newest_version_fitting_go_and_plan_is_chosen():
    index = [
        v("acme/http", "1.0.0", "acme/http/tls", go=">=1.20"),
        v("acme/http", "1.4.0", "acme/http/tls", go=">=1.21"),
        v("acme/http", "1.5.0", "acme/http/tls", go=">=1.21", tier="pro"),
        v("acme/http", "2.0.0", "acme/http/tls", go=">=1.24"),
        v("acme/http", "2.1.0", "acme/http/tls", yanked=True),
    ]
    assert choose(["acme/http/tls"], index, go="1.22", plan_tiers=["free"], hub_url=HUB).version == "1.4.0"
    assert choose(["acme/http/tls"], index, go="1.22", plan_tiers=["free", "pro"], hub_url=HUB).version == "1.5.0"
    assert choose(["acme/http/tls"], index, go="1.24.1", plan_tiers=None, hub_url=HUB).version == "2.0.0"
    with pytest.raises(RuleResolutionError, match=r"this module is Go 1\.19 \(go\.mod\).*1\.0\.0 \(>=1\.20\)"):
        choose(["acme/http/tls"], index, go="1.19", plan_tiers=["free"], hub_url=HUB)
    with pytest.raises(RuleResolutionError, match=r"1\.5\.0 \(pro tier\).*covers no tier"):
        choose(["acme/http/tls"], [index[2]], go="1.22", plan_tiers=[], hub_url=HUB)


def test_two_packs_claiming_one_id_are_ambiguous():
    index = [v("acme/http", "1.0.0", "acme/http/tls"), v("acme/net", "3.0.0", "acme/http/tls")]
    with pytest.raises(RuleResolutionError, match=r"acme/http/tls is ambiguous: more than one pack claims it.*acme/http 1\.0\.0.*acme/net 3\.0\.0"):
        choose(["acme/http/tls"], index, go=None, plan_tiers=None, hub_url=HUB)
    # Only another pack claims the ID: not silently that pack.
    with pytest.raises(RuleResolutionError, match=r"the ID names pack acme/http, but .* only acme/net claims it"):
        choose(["acme/http/tls"], index[1:], go=None, plan_tiers=None, hub_url=HUB)


def test_a_rule_that_moved_to_another_pack_is_refused_with_both_names():
    index = [
        v("acme/http", "1.3.0", "acme/http/tls", "acme/http/redirect"),
        v("acme/http", "2.0.0", "acme/http/redirect"),
        v("acme/tls", "1.0.0", "acme/tls/tls"),
    ]
    with pytest.raises(RuleResolutionError, match=r"acme/http/tls moved: acme/http dropped it in 2\.0\.0 \(last in 1\.3\.0\), and acme/tls/tls now exist.*acme/http@=1\.3\.0"):
        choose(["acme/http/tls"], index, go=None, plan_tiers=None, hub_url=HUB)
    # Dropped with no successor: the newest version that still has it.
    assert choose(["acme/http/tls"], index[:2], go=None, plan_tiers=None, hub_url=HUB).version == "1.3.0"


def test_unknown_and_yanked_only_rules():
    index = [v("acme/http", "1.0.0", "acme/http/tls"), v("acme/old", "1.0.0", "acme/old/x", yanked=True)]
    with pytest.raises(RuleResolutionError, match=r"unknown rule acme/http/tsl.*did you mean acme/http/tls"):
        choose(["acme/http/tsl"], index, go=None, plan_tiers=None, hub_url=HUB)
    with pytest.raises(RuleResolutionError, match="every version of its pack .* is yanked"):
        choose(["acme/old/x"], index, go=None, plan_tiers=None, hub_url=HUB)


def test_claims_the_signed_index_does_not_back_are_refused():
    index = [v("acme/http", "1.0.0", "acme/http/tls", go=">=1.20")]
    honest = {"rules": [{"id": "acme/http/tls", "pack": "acme/http", "versions": [{"version": "1.0.0", "tier": "free", "go": ">=1.20"}]}]}
    check_claims(honest, index, HUB)
    for lie in (
        {"id": "acme/http/tls", "pack": "acme/other", "versions": [{"version": "1.0.0"}]},
        {"id": "acme/http/extra", "pack": "acme/http", "versions": [{"version": "1.0.0"}]},
        {"id": "acme/http/tls", "pack": "acme/http", "versions": [{"version": "1.0.0", "tier": "free", "go": ">=1.10"}]},
    ):
        with pytest.raises(VerificationError, match="signed TUF metadata"):
            check_claims({"rules": [lie]}, index, HUB)


def test_lock_records_the_rules_a_pack_was_locked_for():
    entry = LockedPack("acme/http", "*", "1.4.0", "ab" * 32, HUB, "acme/http/http-1.4.0.tar.gz", rules=("acme/http/tls",))
    text = lockfile.dumps(LockFile((entry,), ((HUB, "sha256:" + "cd" * 32),)))
    assert 'rules = ["acme/http/tls"]' in text
    assert lockfile.loads(text).packs == (entry,)
    plain = LockedPack("acme/x", "^1", "1.0.0", "ab" * 32, HUB, "t")
    assert "rules" not in lockfile.dumps(LockFile((plain,)))


def test_enabling_a_rule_keeps_the_rest_of_the_config():
    text = '# mine\ngo = "1.22"\n\n[rules]\nenable = [\n  "selfassign",\n]\ndisable = ["x"]\n\n[packs]\n"acme/y" = "^1"\n'
    out = with_enabled_rules(text, ["acme/http/tls"])
    assert out == '# mine\ngo = "1.22"\n\n[rules]\nenable = ["selfassign", "acme/http/tls"]\ndisable = ["x"]\n\n[packs]\n"acme/y" = "^1"\n'
    assert with_enabled_rules(out, ["acme/http/tls"]) == out
    assert with_enabled_rules("", ["a/b/c"]) == '[rules]\nenable = ["a/b/c"]\n'
