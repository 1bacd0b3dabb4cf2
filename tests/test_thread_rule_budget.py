"""A rule that runs away in a worker thread (the language server checks in one) is stopped
at its CPU budget like in the CLI's main thread: the check ends with an `internal` finding
naming the rule, and the other rules' findings are kept."""

from __future__ import annotations

import threading

from analyzer.api.analysis_pass import Pass
from analyzer.api.rule import Rule
from analyzer.pipeline.runner import Engine, EngineOptions

SOURCE = {"a.go": b"package a\n\nfunc f() {}\n"}


def spin(pass_: Pass) -> None:
    while True:
        pass


def report_once(pass_: Pass) -> None:
    pass_.report(pass_.files[0], pass_.files[0].root, "checked")


def test_a_runaway_rule_in_a_worker_thread_is_stopped_at_its_budget() -> None:
    engine = Engine([Rule("spin", "spins", spin), Rule("after", "runs after it", report_once)], EngineOptions(rule_budget_seconds=0.5))
    found: list[str] = []
    worker = threading.Thread(target=lambda: found.extend(f"{d.rule}: {d.message}" for d in engine.check_sources(SOURCE)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the runaway rule was never interrupted"
    assert "after: checked" in found
    assert any(f.startswith("internal: rule spin ran past its 0.5s budget") for f in found), found


def test_a_rule_within_its_budget_is_not_interrupted_later() -> None:
    engine = Engine([Rule("after", "reports", report_once)], EngineOptions(rule_budget_seconds=0.05))
    results: list[list[str]] = []

    def many_checks() -> None:
        for _ in range(200):  # a stray alarm raised after a rule ended would escape here
            results.append([d.rule for d in engine.check_sources(SOURCE)])

    worker = threading.Thread(target=many_checks, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert results == [["after"]] * 200
