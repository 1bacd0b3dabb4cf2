"""Build stdlib.json, the table of deprecated standard-library API that rules/core/deprecated.py reads.

    python rules/core/deprecated/generate.py [/usr/share/go-1.19]

For every exported package-level function, type, constant and variable of the standard
library (not cmd/, internal/, vendor/, testdata) whose doc comment (or its group's) has a
`Deprecated:` paragraph, one entry: "import/path.Name" -> {"since", "text"}, plus "goos"
when the deprecation is written only in one operating system's file (`syscall.Syscall` is
deprecated on Windows, not on Linux).

`since` is the Go version from which the advice can be followed: the version the paragraph
names ("As of Go 1.16, ..."), else the newest Go version in which an API it names
(`io.ReadAll`, `[os.ReadFile]`) was added, from the Go distribution's api/go1.N.txt files;
null when neither is known. The table is committed beside the rule: rerun this script when
the Go sources change.
"""

import json
import re
import sys
from pathlib import Path

from analyzer.golang.source import GoFile

_API_LINE = re.compile(r"^pkg ([^,]+), (?:func|type|const|var) (\w+)")
_EXPLICIT = re.compile(r"\bGo 1\.(\d+)")
_BARE = re.compile(r"(?<![\w.])\[?([A-Z][a-z]+[A-Z]\w*)")
_NAMED = re.compile(r"\[?\*?([a-z][a-z0-9]*)\.([A-Z]\w*)")


def api_versions(api_dir: Path) -> dict[tuple[str, str], int]:
    """(package name, identifier) -> the Go 1.N minor version that added it."""
    versions: dict[tuple[str, str], int] = {}
    for path in api_dir.glob("go1*.txt"):
        m = re.fullmatch(r"go1(?:\.(\d+))?\.txt", path.name)
        if not m:
            continue
        minor = int(m.group(1) or 0)
        for line in path.read_text().splitlines():
            a = _API_LINE.match(line)
            if a:
                package = a.group(1).split(" (", 1)[0]  # "syscall (linux-386)"
                key = (package.rsplit("/", 1)[-1], a.group(2))
                versions[key] = min(versions.get(key, minor), minor)
    return versions


def deprecated_paragraph(comment_lines: list[str]) -> str | None:
    text = [re.sub(r"^//\s?", "", c) for c in comment_lines]
    for i, line in enumerate(text):
        if line.startswith("Deprecated:"):
            paragraph = []
            for rest in text[i:]:
                if not rest.strip():
                    break
                paragraph.append(rest.strip())
            return " ".join(paragraph)
    return None


def doc_comment(file: GoFile, node) -> list[str]:
    """The `//` comment lines directly above `node` (no blank line between)."""
    lines: list[str] = []
    prev = node.prev_named_sibling
    expected_row = node.start_point[0] - 1
    while prev is not None and prev.type == "comment" and prev.end_point[0] == expected_row:
        lines.insert(0, file.text(prev))
        expected_row = prev.start_point[0] - 1
        prev = prev.prev_named_sibling
    return lines


def declarations(file: GoFile):
    """(name, doc lines, group doc lines) for each exported package-level declaration."""
    for decl in file.root.named_children:
        if decl.type == "function_declaration":
            name = decl.child_by_field_name("name")
            if name is not None and file.text(name)[:1].isupper():
                yield file.text(name), doc_comment(file, decl), []
        elif decl.type in ("type_declaration", "const_declaration", "var_declaration"):
            group_doc = doc_comment(file, decl)
            specs = []
            for child in decl.named_children:
                if child.type in ("type_spec", "type_alias", "const_spec", "var_spec"):
                    specs.append((child, not _parenthesised(decl)))
                elif child.type.endswith("_spec_list"):
                    specs.extend((c, False) for c in child.named_children if c.type.endswith("_spec") or c.type == "type_alias")
            for spec, single in specs:
                own = group_doc if single else doc_comment(file, spec)
                for i, child in enumerate(spec.children):
                    if spec.field_name_for_child(i) == "name" and file.text(child)[:1].isupper():
                        yield file.text(child), own, group_doc


def _parenthesised(decl) -> bool:
    return any(c.type == "(" for c in decl.children)


def build(go_root: Path) -> dict[str, dict]:
    src = go_root / "src"
    versions = api_versions(go_root / "api")
    table: dict[str, dict] = {}
    for path in sorted(src.rglob("*.go")):
        rel = path.relative_to(src)
        parts = rel.parts
        if path.name.endswith("_test.go") or parts[0] in ("cmd", "vendor") or "internal" in parts or "testdata" in parts:
            continue
        source = path.read_bytes()
        if b"Deprecated:" not in source:
            continue
        file = GoFile.parse(str(path), source)
        package = "/".join(parts[:-1])
        for name, doc, group_doc in declarations(file):
            text = deprecated_paragraph(doc) or deprecated_paragraph(group_doc)
            if text is None:
                continue
            entry = {"since": since(text, versions, parts[-2] if len(parts) > 1 else "", name), "text": text}
            goos = file_goos(path.name, source)
            if goos is not None:
                entry["goos"] = goos
            key = f"{package}.{name}"
            if key in table and table[key].get("goos") != entry.get("goos"):
                entry.pop("goos", None)  # deprecated on several systems: keep the broadest
            table[key] = entry
    return dict(sorted(table.items()))


_KNOWN_GOOS = ("aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux", "netbsd", "openbsd", "plan9", "solaris", "windows")


def file_goos(filename: str, source: bytes) -> str | None:
    """The one operating system a file is built for, from its name (`dll_windows.go`) or a
    `//go:build` line naming just one; None when it is built for several."""
    stem = filename.removesuffix(".go").split("_")
    for part in stem[1:]:
        if part in _KNOWN_GOOS:
            return part
    m = re.search(rb"^//go:build (\w+)\s*$", source, re.M)
    if m and m.group(1).decode() in _KNOWN_GOOS:
        return m.group(1).decode()
    return None


def since(text: str, versions: dict[tuple[str, str], int], package_name: str, name: str) -> str | None:
    explicit = _EXPLICIT.search(text)
    if explicit:
        return f"1.{explicit.group(1)}"
    named = [versions[k] for k in _NAMED.findall(text) if k in versions]
    # A bare name (`Use NewSignatureType instead`) is of the same package.
    named += [versions[(package_name, n)] for n in _BARE.findall(text) if n != name and (package_name, n) in versions]
    return f"1.{max(named)}" if named else None


def main() -> int:
    go_root = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/go-1.19")
    table = build(go_root)
    out = Path(__file__).with_name("stdlib.json")
    out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{len(table)} deprecated identifiers -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
