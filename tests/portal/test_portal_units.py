"""The portal's small pieces, without a server: secret creation, docs rendering, chart, limiter, snippet."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from rulehub.server.portal.config import _load_or_create_secret
from rulehub.server.portal.login_limiter import LoginLimiter
from rulehub.server.portal.queries import DayCount, install_range
from rulehub.server.portal.rule_docs import render_markdown
from rulehub.server.portal.usage_chart import downloads_chart
from tests.support.login_limits import exercise_login_limits


def test_workers_starting_together_share_one_private_secret(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    with ProcessPoolExecutor(4) as pool:
        secrets = set(pool.map(_load_or_create_secret, [keys] * 12))
    assert len(secrets) == 1 and len(secrets.pop()) == 32
    assert os.stat(keys / "portal-secret").st_mode & 0o777 == 0o600
    assert os.listdir(keys) == ["portal-secret"]  # no temp files left behind


def test_markdown_is_rendered_and_raw_html_and_script_urls_are_not() -> None:
    html = str(render_markdown(
        "# What it does\n\nUse `x`.\n\n```go\nif p == nil {}\n```\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) [ok](https://example.com)"
    ))
    assert "<h3>What it does</h3>" in html
    assert "<code>x</code>" in html and '<pre><code class="language-go">if p == nil {}' in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html and 'href="https://example.com"' in html


def test_chart_draws_one_bar_per_day() -> None:
    days = [DayCount(date(2026, 11, 1) + timedelta(days=i), i % 3) for i in range(30)]
    svg = str(downloads_chart(days))
    assert svg.startswith("<svg") and svg.count('<rect class="bar"') == 30
    assert "30 in total" in svg
    empty = str(downloads_chart([DayCount(date(2026, 11, 1), 0)]))
    assert 'height="0.0"' in empty


def test_limiter_blocks_after_the_limit_per_email_and_per_address() -> None:
    exercise_login_limits(LoginLimiter(per_key=2, per_ip=3, window=60))


def test_install_snippet_range() -> None:
    assert install_range("1.4.2") == "^1.4"
    assert install_range("0.9.0") == "^0.9"
    assert install_range("2.0.0-rc.1") == "^2.0"
    assert install_range(None) == "*"
