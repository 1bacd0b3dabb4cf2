"""`gocheck pack new|test|build|publish`: writing, testing, building and publishing a rule pack.

    gocheck pack new acme/http-safety      # scaffold ./http-safety (passes `pack test` as is;
                                           # a pattern rule, or a Python one with --python)
    gocheck pack test [DIR]                # every rule's `// want` testdata + .go.golden fixes
    gocheck pack build [DIR]               # rules.json + dist/<name>-<version>.tar.gz, prints sha256
    gocheck pack publish [DIR] [--hub URL] [--private] # PUT the built artifact with a publisher key
                                           # (refused when dist/ is older than the sources)
    gocheck pack import-semgrep RULES.yaml [--dir DIR] [--name NS/NAME]
                                           # semgrep rules for Go into a pattern pack (the rest
                                           # reported and skipped)
    gocheck pack yank NAME VERSION         # hide a version from new resolutions (locks keep it)
    gocheck pack unyank NAME VERSION

`build` imports the pack's own rule modules (to write rules.json): it runs on the author's
machine, on the author's code. Downloaded packs are never loaded this way before the loader
has verified them.
"""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.cli.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from analyzer.pack_scaffold import scaffold
from analyzer.pipeline.rulepack import load_pack
from analyzer.testing.wanttest import check_pack
from rulehub.pack import PackFormatError, build_artifact, load_manifest
from rulehub.pack.manifest import NAME_RE

RULES_INDEX = "rules.json"


def _manifest(directory: Path):
    try:
        return load_manifest(directory)
    except PackFormatError as exc:
        raise UsageError(f"{directory}: {exc}") from None


def cmd_new(args) -> int:
    name = args.name
    if not NAME_RE.match(name):
        raise UsageError(f"pack name {name!r} must be 'namespace/name' in lowercase letters, digits and '-', e.g. acme/http-safety")
    directory = Path(args.dir or name.split("/", 1)[1])
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{directory} already exists and is not empty; choose another --dir")
    for path in scaffold(name, directory, python=args.python):
        print(f"created {path}")
    print(f"\nnext: cd {directory} && gocheck pack test")
    return EXIT_CLEAN


def cmd_test(args) -> int:
    directory = Path(args.dir)
    _manifest(directory)
    pack = load_pack(directory)
    if not pack.rules:
        raise UsageError(f"{directory}: the pack has no rules; add a <rule>.py or <rule>.toml")
    results = check_pack(directory, list(pack.rules))
    failed = 0
    for r in results:
        if r.ok and r.findings == 0:
            r.failures.append(f"{r.rule}: testdata produces no findings; add a case with `// want \"...\"`")
        status = "ok  " if r.ok else "FAIL"
        print(f"{status} {r.rule} ({r.packages} package(s), {r.findings} finding(s))")
        for failure in r.failures:
            print("     " + failure.replace("\n", "\n     "))
        failed += not r.ok
    print(f"\n{len(results) - failed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def rules_index(directory: Path) -> dict:
    """The rule index the hub shows without importing pack code (docs/pack-protocol.md)."""
    pack = load_pack(directory)
    rules = []
    for r in sorted(pack.rules, key=lambda r: r.name):
        rules.append({
            "name": r.name,
            "summary": r.summary,
            "severity": str(r.severity),
            "tags": list(r.tags),
            "equivalents": list(r.equivalents),
            "docs": r.docs().markdown(r.name),
        })
    return {"pack": pack.name, "version": pack.version, "rules": rules}


def build(directory: Path, out: Path | None = None) -> tuple[Path, str]:
    """rules.json and the artifact (default: dist/<name>-<version>.tar.gz); returns (path, sha256)."""
    manifest = _manifest(directory)
    index = json.dumps(rules_index(directory), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    index_path = directory / RULES_INDEX
    if not index_path.exists() or index_path.read_text("utf-8") != index:
        index_path.write_text(index, "utf-8")
    out = out or directory / "dist" / manifest.artifact_name
    # dist/ is inside the pack directory: build from a view without it so the artifact
    # never contains earlier artifacts.
    sha = _build_excluding_dist(directory, out)
    return out, sha


def _build_excluding_dist(directory: Path, out: Path) -> str:
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        view = Path(tmp) / "pack"
        shutil.copytree(directory, view, ignore=shutil.ignore_patterns("dist", "__pycache__", "*.pyc", ".*"), symlinks=True)
        try:
            return build_artifact(view, out)
        except PackFormatError as exc:
            raise UsageError(f"{directory}: {exc}") from None


def cmd_build(args) -> int:
    directory = Path(args.dir)
    out, sha = build(directory)
    print(f"built {out}")
    print(f"sha256 {sha}")
    return EXIT_CLEAN


def cmd_publish(args) -> int:
    from rulehub.loader.credentials import HubCredential, check_user_hub, credential_for, default_hub
    from rulehub.loader.hubclient import HubClient
    from rulehub.loader.projectconfig import load_project

    directory = Path(args.dir)
    manifest = _manifest(directory)
    artifact = directory / "dist" / manifest.artifact_name
    if args.build or not artifact.exists():
        artifact, sha = build(directory)
        print(f"built {artifact} (sha256 {sha})")
    else:
        # The build is deterministic: an artifact that differs from a build of the current
        # sources was made before they changed (perhaps before a change that broke the
        # rules' tests). Never upload it.
        import hashlib
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            _, fresh = build(directory, Path(tmp) / manifest.artifact_name)
        if hashlib.sha256(artifact.read_bytes()).hexdigest() != fresh:
            raise UsageError(
                f"{artifact} was built from older sources than {directory} has now; nothing was published. "
                f"Run `gocheck pack test {directory}`, then `gocheck pack build {directory}` (or publish --build)"
            )
    config = load_project(directory)
    hub_url = args.hub or config.hub_url or default_hub()
    if not hub_url:
        raise UsageError("no hub to publish to: pass --hub URL or run `gocheck login --hub URL` first")
    if not args.hub:  # a pack directory is a checkout too: its [hub] url never decides where the key goes
        check_user_hub(hub_url, named_by=f"{config.path} ([hub] url)")
    credential = HubCredential(api_key=args.api_key) if args.api_key else credential_for(hub_url)
    with HubClient(hub_url, credential) as hub:
        result = hub.publish(manifest.name, manifest.version, artifact.read_bytes(), private=args.private)
    visibility = " (private to your organisation)" if args.private else ""
    print(f"published {manifest.name} {manifest.version} to {hub.url}{visibility} (sha256 {result.get('sha256', '?')})")
    return EXIT_CLEAN


def cmd_import_semgrep(args) -> int:
    from analyzer.patterns.semgrep_import import import_semgrep

    source = Path(args.file)
    name = args.name or f"imported/{source.stem.lower().replace('_', '-')}"
    if not NAME_RE.match(name):
        raise UsageError(f"pack name {name!r} must be 'namespace/name' in lowercase letters, digits and '-'; pass --name")
    directory = Path(args.dir or name.split("/", 1)[1])
    try:
        result = import_semgrep(source, directory, name)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for rule in result.converted:
        print(f"converted {rule} -> {directory / (rule + '.toml')}")
    for rule_id, why in result.skipped:
        print(f"skipped   {rule_id}: {why}")
    print(f"\n{len(result.converted)} converted, {len(result.skipped)} skipped; next: gocheck pack test {directory}")
    return EXIT_CLEAN if result.converted else EXIT_FINDINGS


def cmd_yank(args) -> int:
    from rulehub.loader.credentials import check_user_hub, default_hub
    from rulehub.loader.hubclient import HubClient

    if not NAME_RE.match(args.name):
        raise UsageError(f"pack name {args.name!r} must be 'namespace/name'")
    hub_url = args.hub or default_hub()
    if not hub_url:
        raise UsageError("no hub: pass --hub URL or run `gocheck login --hub URL` first")
    check_user_hub(hub_url, named_by="--hub")
    with HubClient(hub_url) as hub:
        result = hub.set_yanked(args.name, args.version, args.yank)
    state = "yanked" if result.get("yanked") else "not yanked"
    print(f"{args.name} {args.version} is now {state} on {hub.url}")
    return EXIT_CLEAN


def register(sub) -> None:
    pack = sub.add_parser("pack", help="write, test, build and publish a rule pack")
    psub = pack.add_subparsers(dest="pack_command", required=True)
    p = psub.add_parser("new", help="scaffold a new pack with one example rule")
    p.add_argument("name", help="namespace/name, e.g. acme/http-safety")
    p.add_argument("--dir", help="directory to create (default: the name after the slash)")
    p.add_argument("--python", action="store_true", help="write the example rule as a Python module (subscribers must trust you) instead of a pattern rule")
    p.set_defaults(func=cmd_new)
    p = psub.add_parser("test", help="run the pack's `// want` testdata and golden fixes")
    p.add_argument("dir", nargs="?", default=".")
    p.set_defaults(func=cmd_test)
    p = psub.add_parser("build", help="write rules.json and the deterministic artifact; print its sha256")
    p.add_argument("dir", nargs="?", default=".")
    p.set_defaults(func=cmd_build)
    p = psub.add_parser("publish", help="upload the artifact to RuleHub (needs the packs:publish scope)")
    p.add_argument("dir", nargs="?", default=".")
    p.add_argument("--hub", help="hub URL (default: [hub] url in .gocheck.toml, then your login)")
    p.add_argument("--api-key", help="publisher API key (default: GOCHECK_API_KEY, then your login)")
    p.add_argument("--build", action="store_true", help="rebuild before uploading (without it, a dist/ artifact older than the sources is refused)")
    p.add_argument("--private", action="store_true", help="a new pack only your organisation can see and download (decided by its first version)")
    p.set_defaults(func=cmd_publish)
    p = psub.add_parser("import-semgrep", help="read semgrep rules for Go (YAML) into a pattern pack; what does not carry over is reported and skipped")
    p.add_argument("file", help="semgrep rules file (.yaml); a .go file of the same stem is read as its tests")
    p.add_argument("--dir", help="pack directory to write into (default: the name after the slash)")
    p.add_argument("--name", help="pack name, namespace/name (default: imported/<file stem>)")
    p.set_defaults(func=cmd_import_semgrep)
    for action, yank, text in (("yank", True, "hide a published version from new resolutions (existing locks keep working)"),
                               ("unyank", False, "undo a yank")):
        p = psub.add_parser(action, help=text)
        p.add_argument("name", help="namespace/name")
        p.add_argument("version")
        p.add_argument("--hub", help="hub URL (default: your login)")
        p.set_defaults(func=cmd_yank, yank=yank)
