"""Rule IDs written in files: `//nolint:ns/pack/rule` in Go and `"ns/pack/rule"` in `.gocheck.toml`.

Hover names the rule (its pack, whether it is installed and enabled, its docs when installed)
and a code action enables it: the ID goes into `[rules] enable` of the project's
`.gocheck.toml` (rulehub.loader.projectconfig.with_enabled_rules, the edit `gocheck packs add
RULE_ID` makes), after which `gocheck` locks and fetches its pack through the hub's signed rule
index and runs only that rule of it.  Nothing here touches the network: a rule that is not
installed is described from its ID, and `gocheck explain ID` is offered for its docs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from analyzer.api.rule_ids import is_rule_id, pack_of
from analyzer.golang.source import LineIndex
from analyzer.pipeline.config import CONFIG_NAME, MAX_CONFIG_BYTES, find_config
from analyzer.safe_files import SkippedFile, read_tree_file
from lsp import convert
from lsp.positions import position_to_offset

if TYPE_CHECKING:
    from lsp.documents import Document
    from lsp.server import GocheckServer

ENABLE_KIND = types.CodeActionKind.QuickFix
_NOLINT = re.compile(rb"//\s*nolint:(\S+)")
_TOML_STRING = re.compile(rb"\"([^\"\\\n]*)\"|'([^'\n]*)'")


@dataclass(frozen=True)
class RuleReference:
    rule_id: str
    start: int  # byte offsets of the ID in the document
    end: int


def _line_bounds(source: bytes, offset: int) -> tuple[int, int]:
    start = source.rfind(b"\n", 0, offset) + 1
    end = source.find(b"\n", offset)
    return start, len(source) if end < 0 else end


def _candidates(line: bytes, is_go: bool):
    """(start, end) of every possible rule ID on a line, relative to the line."""
    if is_go:
        for m in _NOLINT.finditer(line):
            pos = m.start(1)
            for part in m.group(1).split(b","):
                yield pos, pos + len(part)
                pos += len(part) + 1
    else:
        for m in _TOML_STRING.finditer(line):
            group = 1 if m.group(1) is not None else 2
            yield m.start(group), m.end(group)


def reference_at(source: bytes, offset: int, *, is_go: bool) -> RuleReference | None:
    """The namespaced rule ID under byte `offset`, in a nolint directive (Go) or a TOML string."""
    start, end = _line_bounds(source, offset)
    line = source[start:end]
    for a, b in _candidates(line, is_go):
        if start + a <= offset <= start + b:
            text = line[a:b].decode("utf-8", "replace")
            if is_rule_id(text):
                return RuleReference(text, start + a, start + b)
    return None


def _is_go(doc: Document) -> bool:
    return doc.path.endswith(".go")


def _applies(doc: Document) -> bool:
    return _is_go(doc) or Path(doc.path).name == CONFIG_NAME


def _reference(ls: GocheckServer, uri: str, position: types.Position) -> tuple[Document, RuleReference] | None:
    doc = ls.documents.get(uri)
    if doc is None or not _applies(doc):
        return None
    offset = position_to_offset(doc.lines, position.line, position.character, ls.encoding)
    ref = reference_at(doc.source, offset, is_go=_is_go(doc))
    return (doc, ref) if ref is not None else None


def describe(rule_id: str, ls: GocheckServer) -> str:
    """Markdown for a hover on `rule_id`."""
    workspace = ls.rules
    pack = pack_of(rule_id)
    rule = workspace.rules.get(rule_id)
    head = f"**{rule_id}**: a rule of the pack `{pack}`"
    if rule is not None:
        state = "enabled" if rule_id in workspace.selected else "installed, not enabled"
        return f"{head} ({state})\n\n" + rule.docs().markdown(rule_id)
    if rule_id in workspace.config.enable:
        return (f"{head}, enabled in {CONFIG_NAME} but its pack is not fetched yet: run `gocheck packs update` "
                "(or `gocheck` once online) to lock and fetch it")
    return (f"{head}, not installed in this workspace.\n\n`gocheck explain {rule_id}` shows its docs from your hub; "
            f"enabling it adds it to `[rules] enable` in {CONFIG_NAME}, and the next `gocheck` run locks and "
            "fetches its pack (only this rule of it runs).")


def hover(ls: GocheckServer, params: types.HoverParams) -> types.Hover | None:
    found = _reference(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    doc, ref = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=describe(ref.rule_id, ls)),
        range=convert.lsp_range(doc.lines, ref.start, ref.end, ls.encoding),
    )


def _config_file(ls: GocheckServer, doc: Document) -> Path:
    if Path(doc.path).name == CONFIG_NAME:
        return Path(doc.path)
    found = find_config(Path(doc.path).parent)
    return found if found is not None else (ls.root or Path(doc.path).parent) / CONFIG_NAME


def _enable_edit(ls: GocheckServer, config: Path, rule_id: str) -> types.WorkspaceEdit | None:
    from rulehub.loader.projectconfig import with_enabled_rules

    uri = config.as_uri()
    open_doc = ls.documents.get(uri)
    if open_doc is not None:  # the editor's text, unsaved edits included
        text = open_doc.source.decode("utf-8", "replace")
    elif config.exists():
        try:
            text = read_tree_file(config, max_bytes=MAX_CONFIG_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError, SkippedFile):
            return None
    else:
        create = types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
        edit = types.TextEdit(range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)), new_text=with_enabled_rules("", [rule_id]))
        return types.WorkspaceEdit(document_changes=[
            create, types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), edits=[edit]),
        ])
    try:
        new = with_enabled_rules(text, [rule_id])
    except ValueError:  # the file is not valid TOML: nothing to offer until it is fixed
        return None
    if new == text:
        return None
    source = text.encode("utf-8")
    whole = convert.lsp_range(LineIndex(source), 0, len(source), ls.encoding)
    return convert.workspace_edit(uri, [types.TextEdit(range=whole, new_text=new)])


def code_actions(ls: GocheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """"Enable RULE in .gocheck.toml" for a rule ID at the cursor that is not enabled yet."""
    only = params.context.only
    if only and not any(ENABLE_KIND.value == str(getattr(k, "value", k)) for k in only):
        return []
    found = _reference(ls, params.text_document.uri, params.range.start)
    if found is None:
        return []
    doc, ref = found
    workspace = ls.rules
    if ref.rule_id in workspace.selected or ref.rule_id in workspace.config.enable:
        return []
    config = _config_file(ls, doc)
    edit = _enable_edit(ls, config, ref.rule_id)
    if edit is None:
        return []
    return [types.CodeAction(title=f"Enable {ref.rule_id} in {CONFIG_NAME} (its pack is fetched from your hub)", kind=ENABLE_KIND, edit=edit)]
