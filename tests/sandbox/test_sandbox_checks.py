"""The parts of the containment that need no hub: failing closed without a kernel
facility, the environment allowlist, and the checks on what a worker answers."""

from __future__ import annotations

import pytest

from analyzer.sandbox import SandboxUnavailable, WorkerFailed, landlock, protocol, worker
from analyzer.sandbox.environment import worker_environment


def test_without_landlock_the_worker_refuses_to_run_pack_code(monkeypatch, tmp_path):
    monkeypatch.setattr(landlock, "abi_version", lambda: 0)
    monkeypatch.setattr(worker, "apply_limits", lambda memory_bytes: None)  # keep this test process usable
    with pytest.raises(SandboxUnavailable, match="Landlock is not available"):
        worker.contain([str(tmp_path)], str(tmp_path), 1 << 30)


def test_the_worker_environment_is_an_allowlist(tmp_path):
    parent = {"GOCHECK_API_KEY": "k", "GOCHECK_HUB_TOKEN": "t", "AWS_SECRET_ACCESS_KEY": "a", "GITHUB_TOKEN": "g",
              "PYTHONPATH": "/evil", "LD_PRELOAD": "/evil.so", "LANG": "C.UTF-8", "HOME": "/root"}
    env = worker_environment(str(tmp_path), parent)
    assert env == {"LANG": "C.UTF-8", "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}


GOOD = {"rule": "acme/p/r", "path": "a.go", "start": 0, "end": 3, "message": "m", "severity": None, "fix": None}


@pytest.mark.parametrize("bad, why", [
    ({**GOOD, "rule": "acme/other/r"}, "unknown rule"),
    ({**GOOD, "rule": "internal"}, "unknown rule"),
    ({**GOOD, "path": "/etc/passwd"}, "not sent"),
    ({**GOOD, "end": 11}, "outside the file"),
    ({**GOOD, "start": -1}, "outside the file"),
    ({**GOOD, "start": True}, "outside the file"),
    ({**GOOD, "message": ["x"]}, "not a string"),
    ({**GOOD, "severity": "fatal"}, "unknown severity"),
    ({**GOOD, "fix": {"message": "f", "edits": [{"start": 0, "end": 99, "new_text": ""}]}}, "outside the file"),
])
def test_an_answer_that_does_not_fit_the_package_sent_is_refused(bad, why):
    with pytest.raises(WorkerFailed, match=why):
        protocol.findings({"findings": [bad]}, {"acme/p/r"}, {"a.go": 10})


def test_a_valid_finding_is_accepted_and_its_message_capped():
    [item] = protocol.findings({"findings": [{**GOOD, "message": "x" * 10**6}]}, {"acme/p/r"}, {"a.go": 10})
    assert item["start"] == 0 and len(item["message"]) == protocol.MAX_MESSAGE_CHARS


@pytest.mark.parametrize("line, why", [
    (b"\x80\x04\x95pickle", "not JSON"),
    (b"[" * 100000, "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b"x" * (protocol.MAX_ANSWER_BYTES + 1), "larger than"),
])
def test_an_answer_that_is_not_a_json_object_is_refused(line, why):
    with pytest.raises(WorkerFailed, match=why):
        protocol.decode_answer(line)


def test_a_described_rule_must_belong_to_the_pack():
    with pytest.raises(WorkerFailed, match="not of pack"):
        protocol.rule_fields({"name": "gocheck/core-lookalike", "summary": "", "severity": "error", "tags": [], "equivalents": [], "doc": ""}, "acme/p")
