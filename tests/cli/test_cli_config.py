"""`.gocheck.toml`: found upward, validated, and overridden by flags."""

import json
from pathlib import Path

import pytest

from analyzer.pipeline.config import Config, ConfigError, find_config, load_config, parse_config
from analyzer.api.diagnostics import Severity
from analyzer.api.rule import Rule
from gocheck_cli import SELFASSIGN, run_gocheck, write_tree


def _rule(name, on=True, pack="gocheck/core"):
    return Rule(name=name, summary=name, run=lambda p: None, enabled_by_default=on, pack=pack)


RULES = [_rule("internal"), _rule("syntax"), _rule("selfassign"), _rule("nilcheck"), _rule("optin", on=False), _rule("acme/http/tls", pack="acme/http"), _rule("acme/http/redirect", on=False, pack="acme/http")]


def names(rules):
    return sorted(r.name for r in rules)


def test_found_upward_from_a_subdirectory(tmp_path):
    write_tree(tmp_path, {".gocheck.toml": 'fail-on = "error"\n', "a/b/c/x.go": "package c\n"})
    assert find_config(tmp_path / "a" / "b" / "c") == tmp_path / ".gocheck.toml"
    assert load_config(find_config(tmp_path / "a" / "b")).fail_on is Severity.ERROR


def test_select_rules_enable_disable_packs_and_severity():
    config = parse_config({"rules": {"enable": ["optin", "acme/http"], "disable": ["nilcheck"], "selfassign": {"severity": "error"}}})
    assert names(config.select_rules(RULES)) == ["acme/http/redirect", "acme/http/tls", "internal", "optin", "selfassign", "syntax"]
    assert config.severity_overrides == {"selfassign": Severity.ERROR}


def test_flags_override_config():
    config = parse_config({"rules": {"enable": ["optin"], "disable": ["nilcheck"]}}).with_rule_flags(enable=["nilcheck"], disable=["optin"])
    assert "nilcheck" in names(config.select_rules(RULES))
    assert "optin" not in names(config.select_rules(RULES))


def test_internal_cannot_be_disabled():
    with pytest.raises(ConfigError, match="internal rule cannot be disabled"):
        parse_config({"rules": {"disable": ["internal"]}}).select_rules(RULES)


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"colour": True}, r"colour: unknown key.*known keys: go, fail-on"),
        ({"rules": {"enabel": ["x"]}}, r"\[rules\] enabel: unknown key.*did you mean 'enable'"),
        ({"rules": {"selfassign": {"sevrity": "error"}}}, r"\[rules.selfassign\] sevrity: unknown key.*did you mean 'severity'"),
        ({"rules": {"selfassign": {"severity": "fatal"}}}, r"unknown severity 'fatal'; use \"info\", \"warning\" or \"error\""),
        ({"fail-on": "loud"}, r"fail-on: unknown severity"),
        ({"go": 1.21}, r'go: write the Go version as a string, e.g. go = "1.21"'),
        ({"go": "one.two"}, r"go: invalid Go version"),
        ({"exclude": "gen/**"}, r"exclude: must be a list of non-empty strings"),
        ({"output": {"format": ["sarf"]}}, r"unknown format 'sarf' \(did you mean 'sarif'\?\)"),
        ({"rules": {"enable": ["a"], "disable": ["a"]}}, r"a is both enabled and disabled"),
        ({"include-generated": "yes"}, r"include-generated: must be true or false"),
    ],
)
def test_bad_values_name_the_key_and_the_fix(doc, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(doc, Path("/p/.gocheck.toml"))


def test_unknown_rule_names_get_a_suggestion():
    with pytest.raises(ConfigError, match=r"unknown rule 'selfasign' \(did you mean 'selfassign'\?\)"):
        parse_config({"rules": {"disable": ["selfasign"]}}).select_rules(RULES)


def test_loader_tables_are_accepted():
    config = parse_config({"packs": {"acme/http": "^1.0"}, "hub": {"url": "https://hub.example"}})
    assert config == Config(path=None, listed_packs=("acme/http",))


def test_a_pack_present_only_for_a_rule_id_runs_only_the_rules_enabled_by_id():
    # acme/http/redirect is off by default, acme/http/tls on; enabling redirect by ID alone
    # (the pack not in [packs]) runs redirect only.
    by_id = parse_config({"rules": {"enable": ["acme/http/redirect"]}})
    assert by_id.rule_only_packs == {"acme/http"}
    assert "acme/http/tls" not in names(by_id.select_rules(RULES))
    assert "acme/http/redirect" in names(by_id.select_rules(RULES))
    # Listed in [packs], enabled by name, or a local --pack-dir: the pack's defaults run too.
    for config in (
        parse_config({"rules": {"enable": ["acme/http/redirect"]}, "packs": {"acme/http": "^1"}}),
        parse_config({"rules": {"enable": ["acme/http/redirect", "acme/http"]}}),
        Config(enable=("acme/http/redirect",), local_packs=("acme/http",)),
    ):
        assert {"acme/http/tls", "acme/http/redirect"} <= set(names(config.select_rules(RULES))), config
    # A rule ID of a pack that is not loaded (the editor before `gocheck` fetched it) says so.
    with pytest.raises(ConfigError, match=r"rule 'acme/tls/x' is in the pack acme/tls, which is not fetched yet; run `gocheck packs update`"):
        parse_config({"rules": {"enable": ["acme/tls/x"]}}).select_rules(RULES)
    with pytest.raises(ConfigError, match=r"unknown rule 'acme/http/tsl'"):
        parse_config({"rules": {"enable": ["acme/http/tsl"]}}).select_rules(RULES)
    # --enable on the command line counts like the file.
    flagged = Config().with_rule_flags(enable=["acme/http/redirect"])
    assert "acme/http/tls" not in names(flagged.select_rules(RULES))


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / ".gocheck.toml").write_text("[rules\n")
    with pytest.raises(ConfigError, match=r"\.gocheck\.toml: invalid TOML"):
        load_config(tmp_path / ".gocheck.toml")


# -- end to end -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    return write_tree(
        tmp_path,
        {
            ".gocheck.toml": '[rules.selfassign]\nseverity = "error"\n\n[rules]\ndisable = []\n',
            "go.mod": "module m\n\ngo 1.21\n",
            "svc/a.go": SELFASSIGN,
            "gen/g.go": SELFASSIGN,
        },
    )


def test_cli_reads_config_found_upward(project):
    out = run_gocheck("--format", "json", "./...", cwd=project / "svc")
    assert out.returncode == 1, out.stderr
    [d] = json.loads(out.stdout)["diagnostics"]
    assert d["severity"] == "error"


def test_cli_exclude_and_disable_from_config_and_flags(project):
    (project / ".gocheck.toml").write_text('exclude = ["gen/**"]\n')
    out = run_gocheck("--format", "json", cwd=project)
    assert [d["path"] for d in json.loads(out.stdout)["diagnostics"]] == ["svc/a.go"]
    out = run_gocheck("--format", "json", "--exclude", "a.go", cwd=project)
    assert json.loads(out.stdout)["diagnostics"] == [] and out.returncode == 0
    (project / ".gocheck.toml").write_text('[rules]\ndisable = ["selfassign"]\n')
    assert run_gocheck(cwd=project).returncode == 0
    assert run_gocheck("--enable", "selfassign", cwd=project).returncode == 1  # the flag wins
    assert run_gocheck("--no-config", cwd=project).returncode == 1


def test_cli_fail_on(project):
    (project / ".gocheck.toml").write_text('fail-on = "error"\n')
    out = run_gocheck(cwd=project)
    assert out.returncode == 0 and "selfassign" in out.stdout  # printed, but below fail-on
    assert run_gocheck("--fail-on", "warning", cwd=project).returncode == 1


def test_cli_bad_config_exits_2_naming_the_key(project):
    (project / ".gocheck.toml").write_text('[rules]\nenable = ["nosuchrule"]\n')
    out = run_gocheck(cwd=project)
    assert out.returncode == 2
    assert ".gocheck.toml: [rules] enable: unknown rule 'nosuchrule'" in out.stderr
    out = run_gocheck("--config", "missing.toml", cwd=project)
    assert out.returncode == 2 and "missing.toml: no such config file" in out.stderr


def test_cli_output_formats_from_config(project):
    (project / ".gocheck.toml").write_text('[output]\nformat = ["json", "sarif:out/gocheck.sarif"]\n')
    out = run_gocheck(cwd=project)
    assert json.loads(out.stdout)["version"] == 1
    assert json.loads((project / "out" / "gocheck.sarif").read_text())["version"] == "2.1.0"


def test_cli_exclude_flag_is_relative_to_the_working_directory(tmp_path):
    write_tree(tmp_path, {".gocheck.toml": "", "svc/a.go": SELFASSIGN, "svc/gen/g.go": SELFASSIGN})
    out = run_gocheck("--format", "json", "--exclude", "gen/**", cwd=tmp_path / "svc")
    assert [d["path"] for d in json.loads(out.stdout)["diagnostics"]] == ["a.go"], out.stderr
