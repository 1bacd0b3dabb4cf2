"""Rule docs (markdown from rules.json) to HTML, safely.

markdown-it-py in CommonMark mode with raw HTML disabled: any `<script>` or `<img onerror>`
in a pack's docs comes out as escaped text, and its link validator refuses `javascript:`,
`vbscript:`, `file:` and non-image `data:` URLs.  Headings are shifted down (two levels by
default) so a rule's `# What it does` sits under the page's own h1/h2.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _shift_headings(self, tokens, idx, options, env):
    token = tokens[idx]
    level = min(int(token.tag[1]) + env.get("shift", 2), 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


_md.add_render_rule("heading_open", _shift_headings)
_md.add_render_rule("heading_close", _shift_headings)


def render_markdown(text: str, shift: int = 2) -> Markup:
    """`shift`: how many levels headings move down (2 on a pack page, where rules are h3)."""
    return Markup(_md.render(text or "", {"shift": shift}))
