"""Which files the go tool would build: `//go:build` lines and GOOS/GOARCH file suffixes.

gocheck, like go vet, golangci-lint and staticcheck, checks a package as it is built for
one target (GOOS/GOARCH from the environment, default linux/amd64), so per-OS variants of a
function do not look like duplicate declarations, and `//go:build ignore` generator
programs are not mixed into the package they sit beside.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos".split()
)
KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le "
    "ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
UNIX_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris".split())

_BUILD_LINE = re.compile(rb"^//go:build\s+(.+?)\s*$", re.MULTILINE)
_PACKAGE_LINE = re.compile(rb"^package\s", re.MULTILINE)
_TOKEN = re.compile(r"\s*(\|\||&&|!|\(|\)|[\w.]+)")


class ConstraintSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class BuildContext:
    goos: str = "linux"
    goarch: str = "amd64"
    tags: frozenset[str] = field(default_factory=frozenset)
    cgo: bool = True

    @classmethod
    def from_environment(cls, extra_tags: tuple[str, ...] = ()) -> "BuildContext":
        goos = os.environ.get("GOOS", "linux")
        goarch = os.environ.get("GOARCH", "amd64")
        cgo = os.environ.get("CGO_ENABLED", "1") != "0"
        return cls(goos, goarch, frozenset(extra_tags), cgo)

    def has_tag(self, tag: str) -> bool:
        if tag in (self.goos, self.goarch, "gc") or tag in self.tags:
            return True
        if tag == "unix":
            return self.goos in UNIX_OS
        if tag == "cgo":
            return self.cgo
        if tag.startswith("go1."):
            return True  # release tags: assume a current toolchain
        return False

    def matches_file_name(self, name: str) -> bool:
        """The go tool's file-name rule: *_GOOS, *_GOARCH, *_GOOS_GOARCH (before _test)."""
        stem = name[:-3] if name.endswith(".go") else name
        if stem.endswith("_test"):
            stem = stem[: -len("_test")]
        parts = stem.split("_")
        if len(parts) >= 3 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
            return self.has_tag(parts[-2]) and self.has_tag(parts[-1])
        if len(parts) >= 2 and (parts[-1] in KNOWN_OS or parts[-1] in KNOWN_ARCH):
            return self.has_tag(parts[-1])
        return True

    def matches_source(self, source: bytes) -> bool:
        """Evaluate the `//go:build` line in the file header; a malformed one is treated as
        satisfied (the file is still checked; the compiler reports the line)."""
        m = _PACKAGE_LINE.search(source)
        header = source[: m.start()] if m else source[:8192]
        m = _BUILD_LINE.search(header)
        if not m:
            return True
        try:
            return evaluate(m.group(1).decode("utf-8", "replace"), self.has_tag)
        except ConstraintSyntaxError:
            return True

    def includes(self, path: str, source: bytes) -> bool:
        return self.matches_file_name(os.path.basename(path)) and self.matches_source(source)


def evaluate(expr: str, has_tag) -> bool:
    """Evaluate a //go:build expression (||, &&, !, parentheses), iteratively (shunting-yard)."""
    tokens = _TOKEN.findall(expr)
    if "".join(tokens).replace(" ", "") != expr.replace(" ", "").replace("\t", ""):
        raise ConstraintSyntaxError(expr)
    precedence = {"||": 1, "&&": 2, "!": 3}
    output: list[bool] = []
    ops: list[str] = []

    def apply(op: str) -> None:
        if op == "!":
            if not output:
                raise ConstraintSyntaxError(expr)
            output.append(not output.pop())
            return
        if len(output) < 2:
            raise ConstraintSyntaxError(expr)
        b, a = output.pop(), output.pop()
        output.append(a or b if op == "||" else a and b)

    for tok in tokens:
        if tok == "(":
            ops.append(tok)
        elif tok == ")":
            while ops and ops[-1] != "(":
                apply(ops.pop())
            if not ops:
                raise ConstraintSyntaxError(expr)
            ops.pop()
        elif tok in precedence:
            # `!` is a right-associative prefix operator: never pops anything.
            while tok != "!" and ops and ops[-1] != "(" and precedence[ops[-1]] >= precedence[tok]:
                apply(ops.pop())
            ops.append(tok)
        else:
            output.append(bool(has_tag(tok)))
    while ops:
        op = ops.pop()
        if op == "(":
            raise ConstraintSyntaxError(expr)
        apply(op)
    if len(output) != 1:
        raise ConstraintSyntaxError(expr)
    return output[0]
