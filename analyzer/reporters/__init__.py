"""Reporters: one module per output format, each `write(report, out)`.

`--format FMT[:PATH]` is repeatable, so one run can print text to the terminal and write
SARIF for code scanning at the same time; `write_all` writes each PATH once, through a
temporary file renamed into place, so a symlink at PATH is replaced, never followed.

A PATH from the command line may be anywhere. A PATH from a repository's `.gocheck.toml`
must be relative and stay inside the project once every existing component's symlinks
are resolved (`OutputSpec.confined_to`): a checkout must not overwrite `~/.bashrc`."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import IO, Callable, Mapping, Sequence

from analyzer import ENGINE_VERSION
from analyzer.pipeline.config import FORMAT_NAMES
from analyzer.api.diagnostics import Diagnostic
from analyzer.api.rule import Rule
from analyzer.safe_files import is_inside, replace_file
from analyzer.golang.source import LineIndex


class FormatError(Exception):
    """A bad --format value or an output file that cannot be written (exit code 2)."""


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: str | None = None  # None: standard output

    @classmethod
    def parse(cls, text: str) -> "OutputSpec":
        name, sep, path = text.partition(":")
        name = name.strip().lower()
        if name not in FORMAT_NAMES:
            raise FormatError(f"--format {text}: unknown format {name!r}; use one of {', '.join(FORMAT_NAMES)}, optionally with :PATH")
        if sep and not path.strip():
            raise FormatError(f"--format {text}: empty output path; write {name}:PATH or just {name}")
        return cls(name, path.strip() or None)

    def confined_to(self, project: Path, where: str) -> "OutputSpec":
        """This spec, from a repository's config, with its path made absolute inside
        `project` (the config file's directory). Raises FormatError for an absolute path
        or one that leaves the project, through `..` or through a symlink."""
        if self.path is None:
            return self
        hint = f"write a path inside {project}, or give this one on the command line (--format {self.format}:PATH)"
        if os.path.isabs(self.path):
            raise FormatError(f"{where}: {self.format}:{self.path}: a config file may only name a relative output path; {hint}")
        name = os.path.basename(self.path)
        if name in ("", ".", ".."):
            raise FormatError(f"{where}: {self.format}:{self.path}: name a file, e.g. {self.format}:gocheck.{self.format}")
        top = os.path.realpath(project)
        parent = os.path.realpath(os.path.join(top, os.path.dirname(self.path)))
        if not is_inside(parent, top) or not is_inside(os.path.realpath(os.path.join(parent, name)), top):
            raise FormatError(f"{where}: {self.format}:{self.path}: leads outside the project (through '..' or a symlink); {hint}")
        # The final name as written: a symlink there (one inside the project) is replaced, not followed.
        return replace(self, path=os.path.join(parent, name))

    @property
    def is_machine(self) -> bool:
        return self.format != "text"


@dataclass
class Report:
    """Everything a reporter may need about one run."""

    diagnostics: Sequence[Diagnostic]
    sources: Mapping[str, bytes] = field(default_factory=dict)
    rules: Mapping[str, Rule] = field(default_factory=dict)  # every rule that ran or reported
    files: Sequence[str] = ()  # paths checked, for reporters that list clean files
    cwd: Path = field(default_factory=Path.cwd)
    root: Path | None = None  # repository root for SARIF / GitHub paths; found from cwd if None
    color: bool = False
    tool_version: str = ENGINE_VERSION
    _lines: dict[str, LineIndex | None] = field(default_factory=dict, repr=False)

    def line_index(self, path: str) -> LineIndex | None:
        if path not in self._lines:
            try:
                self._lines[path] = LineIndex(self.sources[path])
            except (KeyError, OSError):
                self._lines[path] = None
        return self._lines[path]

    def line_text(self, path: str, line: int) -> bytes:
        """The bytes of 1-based `line` of `path`, b"" when unknown."""
        index = self.line_index(path)
        return index.line_text(line - 1) if index is not None else b""

    @cached_property
    def repo_root(self) -> Path:
        return (self.root or find_repo_root(self.cwd)).resolve()

    def repo_path(self, path: str) -> str | None:
        """`path` relative to the repository root, with `/`; None when outside it."""
        full = Path(path) if os.path.isabs(path) else self.cwd / path
        try:
            return Path(os.path.realpath(full)).relative_to(self.repo_root).as_posix()
        except ValueError:
            return None


def xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped; a message quoting bad
    source bytes must not make a whole XML report unreadable."""
    return "".join(ch if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff") else "\ufffd" for ch in text)


_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal_safe(text: str, keep: str = "") -> str:
    """`text` with the characters a terminal would act on shown as escapes instead: C0
    controls (ESC starts colour, cursor and title sequences; CR and LF would forge lines),
    DEL, C1 controls and bidirectional overrides (U+202E makes code read differently). A
    file name or source line must not drive the terminal; gocheck's own colours are
    added after this. Characters in `keep` (a tab in a source line) stay as they are."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in keep:
            out.append(ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif ch in _BIDI_CONTROLS:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def find_repo_root(cwd: Path) -> Path:
    """The git work tree containing `cwd`, else `cwd` itself."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return Path(cwd)
    top = out.stdout.strip()
    return Path(top) if out.returncode == 0 and top else Path(cwd)


def writer_for(name: str) -> Callable[[Report, IO[str]], None]:
    from analyzer.reporters import checkstyle, github, gitlab, json_format, junit, sarif, text

    return {
        "text": text.write,
        "json": json_format.write,
        "sarif": sarif.write,
        "github": github.write,
        "checkstyle": checkstyle.write,
        "junit": junit.write,
        "gitlab": gitlab.write,
    }[name]


def write_all(report: Report, specs: Sequence[OutputSpec], stdout: IO[str]) -> None:
    for spec in specs:
        write = writer_for(spec.format)
        if spec.path is None:
            write(report, stdout)
            stdout.flush()
            continue
        target = Path(spec.path) if os.path.isabs(spec.path) else report.cwd / spec.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_file(target, lambda fh: write(replace(report, color=False), fh))  # noqa: B023 - called right here
        except OSError as exc:
            raise FormatError(f"--format {spec.format}:{spec.path}: cannot write the file: {exc.strerror or exc}") from None
