"""The package an open document belongs to: its sibling .go files on disk with the same
package clause, open buffers taking the place of their files on disk.

Sibling files are parsed once and kept until their size or mtime changes, so a keystroke
costs a stat per sibling, not a parse. They are read as the CLI reads them
(`analyzer.safe_files.read_tree_file`): only regular files that resolve inside the module
(or the document's directory outside a module), at most 4 MiB; a sibling that is a symlink
to `/proc/self/environ`, a FIFO or `/dev/zero` is left out of the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analyzer.api.analysis_pass import Package
from analyzer.golang.gomod import find_module
from analyzer.pipeline.package_loader import group_by_package
from analyzer.safe_files import SkippedFile, read_tree_file
from analyzer.golang.source import GoFile, is_generated
from lsp.documents import Document


@dataclass
class _Cached:
    stamp: tuple[int, int]
    file: GoFile | None  # None: skipped (generated, too big, not a regular file in the tree)


class SiblingCache:
    def __init__(self) -> None:
        self._files: dict[str, _Cached] = {}

    def load(self, path: str, include_generated: bool) -> GoFile | None:
        try:
            st = os.stat(path)
        except OSError:
            self._files.pop(path, None)
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._files.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached.file
        file: GoFile | None = None
        try:
            data = read_tree_file(path, _tree_root(os.path.dirname(path)))
        except (OSError, SkippedFile):
            data = None
        if data is not None and (include_generated or not is_generated(data)):
            file = GoFile.parse(path, data)
        self._files[path] = _Cached(stamp, file)
        return file

    def forget(self, path: str) -> None:
        self._files.pop(path, None)

    def clear(self) -> None:
        self._files.clear()


def _tree_root(directory: str) -> str:
    module = find_module(Path(directory))
    return str(module.root) if module is not None else directory


def package_for(doc: Document, open_docs: dict[str, Document], siblings: SiblingCache, include_generated: bool = False) -> Package:
    """`doc`'s package: the document first, then the siblings (buffers over disk) the CLI
    would group with it (same package clause, built for the same GOOS/GOARCH and tags)."""
    main = doc.go_file()
    directory = os.path.dirname(doc.path)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    candidates = [os.path.join(directory, n) for n in names if n.endswith(".go")]
    # Open buffers that are not on disk yet still belong to the package.
    candidates += sorted(p for p in open_docs if os.path.dirname(p) == directory and p not in candidates)
    parsed: dict[str, GoFile] = {doc.path: main}
    for path in candidates:
        if path in parsed:
            continue
        buffer = open_docs.get(path)
        file = buffer.go_file() if buffer is not None else siblings.load(path, include_generated)
        if file is not None:
            parsed[path] = file
    # the open document is checked whatever its constraints, as a file named on the command line
    packages = group_by_package(((p, f.source) for p, f in parsed.items()), named={doc.path}, parse=lambda path, _: parsed[path])
    files = packages[main.package_name]
    module = find_module(Path(directory)) if os.path.isdir(directory) else None
    return Package(directory, files, module.go_version if module else None, module.path if module else "")
