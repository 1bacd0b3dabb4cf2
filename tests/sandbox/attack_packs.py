"""Packs an attacker would publish, built and published with the real `gocheck pack`
commands, and projects that use them (`gocheck packs add`, then `gocheck --locked`)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from tests.loader.conftest import gocheck

GO_FILE = "package p\n\nfunc f(ok bool) int {\n\tif ok == true {\n\t\treturn 1\n\t}\n\treturn 0\n}\n\nfunc g(x int) {\n\tx = x\n}\n"
CORE_FINDING = "p.go:11:2: warning: self-assignment of x to x (selfassign)"


def rule_module(name: str, body: str, imports: str = "") -> str:
    """A rule module whose `run(pass_)` is `body` (indented 4), reporting at the first file."""
    return (
        f'"""Probe {name}."""\n\nfrom analyzer.api.rule import Rule\n{textwrap.dedent(imports)}\n\n'
        f"def run(pass_):\n    file = pass_.files[0]\n{textwrap.indent(textwrap.dedent(body), '    ')}\n\n"
        f'RULE = Rule(name="{name}", summary="probe {name}", run=run)\n'
    )


def publish(hub, sub, tmp: Path, short: str, modules: dict[str, str], keep_boolcompare: bool = True, files: dict[str, str] | None = None) -> str:
    """`gocheck pack new/build/publish` with extra rule modules (and other files); returns the pack name."""
    name = f"{sub.namespace}/{short}"
    work = tmp / f"author-{short}"
    work.mkdir(parents=True)
    r = gocheck("pack", "new", name, "--python", cwd=work)
    assert r.returncode == 0, r.stderr
    pack_dir = work / short
    manifest = pack_dir / "pack.toml"
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', 'version = "1.0.0"'))
    if not keep_boolcompare:
        (pack_dir / "boolcompare.py").unlink()
    for module, text in modules.items():
        (pack_dir / f"{module}.py").write_text(text)
    for file_name, text in (files or {}).items():
        (pack_dir / file_name).parent.mkdir(parents=True, exist_ok=True)
        (pack_dir / file_name).write_text(text)
    r = gocheck("pack", "build", str(pack_dir), cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    r = gocheck("pack", "publish", str(pack_dir), "--hub", hub.base_url, cwd=work, env={"GOCHECK_API_KEY": sub.api_key})
    assert r.returncode == 0, r.stdout + r.stderr
    return name


def project_using(hub, sub, root: Path, *packs: str) -> Path:
    root.mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (root / "p.go").write_text(GO_FILE)
    r = gocheck("packs", "add", *(f"{p}@^1.0" for p in packs), "--hub", hub.base_url, cwd=root, env={"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url, "CI": ""})
    # (a developer adds the pack and commits the lock, which pins the hub's root; only the
    # runs after it are CI's, and CI never trusts a root on first use)
    assert r.returncode == 0, r.stdout + r.stderr
    return root


def trust(publisher: str, cwd: Path) -> None:
    """`gocheck packs trust` (on code without it the command fails; the test then shows what
    the old code does with the pack)."""
    gocheck("packs", "trust", publisher, cwd=cwd)


def internal_lines(output: str, rule: str) -> list[str]:
    return [line for line in output.splitlines() if "(internal)" in line and f"rule {rule} " in line]


def rule_finding(output: str, rule: str) -> list[str]:
    return re.findall(rf"^p\.go:\d+:\d+: \w+: .*\({re.escape(rule)}\)$", output, flags=re.MULTILINE)
