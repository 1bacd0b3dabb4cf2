"""A trusted pack's Python rules run in a contained worker: what each attack a rule could
try gets, end to end (real hub, `gocheck packs trust`, `gocheck --locked` as a subprocess).

Each attack becomes an `internal` finding naming the rule (exit 3), and the run still
reports the other rules' findings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.loader.conftest import gocheck
from tests.sandbox.attack_packs import CORE_FINDING, internal_lines, project_using, publish, rule_finding, rule_module, trust

SECRET = "aws-secret-4f1d9c"


@pytest.fixture(scope="module")
def listener():
    """A loopback port a rule tries to reach; nothing may connect."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(5)
        s.setblocking(False)
        yield s


def probe_modules(tmp: Path, port: int) -> dict[str, str]:
    home = tmp / "home"
    return {
        "leak": rule_module("leak", f"""
            def attempt(read):
                try:
                    return read()
                except OSError as exc:
                    return "blocked:" + type(exc).__name__
            parent = attempt(lambda: open(f"/proc/{{os.getppid()}}/environ", "rb").read().decode("latin-1"))
            creds = attempt(lambda: open({str(tmp / "user-config" / "credentials.json")!r}).read())
            pass_.report(file, (0, 1), f"parent={{parent[:300]!r}} creds={{creds[:300]!r}} env={{sorted(os.environ.items())!r}}")
        """, imports="import os"),
        "net": rule_module("net", f"""
            s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
            s.sendall(b"stolen")
            pass_.report(file, (0, 1), "connected")
        """, imports="import socket"),
        "write": rule_module("write", f"""
            written = []
            for target in ({str(tmp / "victim" / "pwned.go")!r}, {str(home / ".bashrc")!r}, {str(tmp / "outside.txt")!r}):
                try:
                    with open(target, "w") as fh:
                        fh.write("pwned")
                    written.append(target)
                except OSError:
                    pass
            with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "scratch-ok"), "w") as fh:
                fh.write("scratch is writable")
            if not written:
                raise PermissionError("no write outside the scratch directory")
            pass_.report(file, (0, 1), f"wrote {{written}}")
        """, imports="import os"),
        "fork": rule_module("fork", f"""
            pid = os.fork()
            if pid == 0:
                open({str(tmp / "forked")!r}, "w").close()
                os._exit(0)
            os.waitpid(pid, 0)
            pass_.report(file, (0, 1), "forked")
        """, imports="import os"),
        "alloc": rule_module("alloc", """
            block = mmap.mmap(-1, 10 << 30)  # 10 GB of address space
            pass_.report(file, (0, 1), f"allocated {len(block)}")
        """, imports="import mmap"),
    }


@pytest.fixture(scope="module")
def probe_run(hub, tmp_path_factory, listener):
    """One run of a trusted pack whose rules try everything, plus the template's honest rule."""
    tmp = tmp_path_factory.mktemp("probe")
    (tmp / "home").mkdir()
    sub = hub.subscriber()
    name = publish(hub, sub, tmp, "probe", probe_modules(tmp, listener.getsockname()[1]))
    for leftover in (tmp / "victim" / "pwned.go", tmp / "home" / ".bashrc", tmp / "outside.txt", tmp / "forked"):
        leftover.unlink(missing_ok=True)  # `gocheck pack build` ran the rules' tests on the author's machine
    project = project_using(hub, sub, tmp / "victim", name)
    (tmp / "user-config").mkdir(exist_ok=True)
    (tmp / "user-config" / "credentials.json").write_text('{"hubs": {"https://other-hub.example": {"api_key": "stored-key-77"}}}')
    env = {"GOCHECK_API_KEY": sub.api_key, "GOCHECK_HUB_URL": hub.base_url, "AWS_SECRET_ACCESS_KEY": SECRET, "HOME": str(tmp / "home"), "GOCHECK_CONFIG_DIR": str(tmp / "user-config")}
    trust(sub.namespace, project)
    gocheck("packs", "trust", sub.namespace, cwd=project, env=env)
    r = gocheck("--locked", "--no-cache", "./...", cwd=project, env=env)
    return tmp, name, sub, r


def test_the_worker_environment_has_no_secrets_and_the_parent_environment_is_unreadable(probe_run):
    tmp, name, sub, r = probe_run
    out = r.stdout + r.stderr
    assert SECRET not in out and sub.api_key not in out and "stored-key-77" not in out, out
    leak = rule_finding(r.stdout, f"{name}/leak")
    assert leak and "parent='blocked:" in leak[0] and "creds='blocked:" in leak[0], r.stdout


def test_a_rule_cannot_open_a_socket_even_to_loopback(probe_run, listener):
    tmp, name, sub, r = probe_run
    with pytest.raises(BlockingIOError):
        listener.accept()
    assert internal_lines(r.stdout, f"{name}/net"), r.stdout
    assert not rule_finding(r.stdout, f"{name}/net")


def test_a_rule_cannot_write_outside_its_scratch_directory(probe_run):
    tmp, name, sub, r = probe_run
    for target in (tmp / "victim" / "pwned.go", tmp / "home" / ".bashrc", tmp / "outside.txt"):
        assert not target.exists(), target
    assert internal_lines(r.stdout, f"{name}/write"), r.stdout


def test_a_rule_cannot_start_processes(probe_run):
    tmp, name, sub, r = probe_run
    assert not (tmp / "forked").exists()
    assert internal_lines(r.stdout, f"{name}/fork"), r.stdout


def test_a_rule_cannot_take_10_gb_of_memory(probe_run):
    tmp, name, sub, r = probe_run
    assert internal_lines(r.stdout, f"{name}/alloc"), r.stdout
    assert not rule_finding(r.stdout, f"{name}/alloc")


def test_the_run_still_reports_the_other_rules_and_exits_3(probe_run):
    tmp, name, sub, r = probe_run
    assert r.returncode == 3, r.stdout + r.stderr
    assert rule_finding(r.stdout, f"{name}/boolcompare"), r.stdout
    assert CORE_FINDING in r.stdout


def _run_trusted(hub, tmp: Path, short: str, modules: dict[str, str], **env) -> tuple[str, object]:
    sub = hub.subscriber()
    name = publish(hub, sub, tmp, short, modules, keep_boolcompare=False)
    project = project_using(hub, sub, tmp / "victim", name)
    trust(sub.namespace, project)
    return name, gocheck("--locked", "--no-cache", "./...", cwd=project, env=env)


def test_a_rule_that_never_ends_is_stopped_and_the_run_goes_on(hub, tmp_path):
    spin = rule_module("spin", """
        while True:
            try:
                while True:
                    pass
            except BaseException:  # defeats the engine's own rule budget
                pass
    """)
    name, r = _run_trusted(hub, tmp_path, "spin", {"spin": spin}, GOCHECK_PACK_TIMEOUT="6")
    assert r.returncode == 3, r.stdout + r.stderr
    assert internal_lines(r.stdout, f"{name}/spin") and "GOCHECK_PACK_TIMEOUT" in r.stdout, r.stdout
    assert CORE_FINDING in r.stdout


def test_a_pickle_sent_by_the_worker_is_never_unpickled(hub, tmp_path):
    marker = tmp_path / "unpickled"
    evil = rule_module("pickler", f"""
        class Payload:
            def __reduce__(self):
                return (os.system, ("touch {marker}",))
        data = pickle.dumps(Payload()) + b"\\n"
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, data)
            except OSError:
                pass
    """, imports="import os, pickle, stat")
    name, r = _run_trusted(hub, tmp_path, "pickler", {"pickler": evil})
    assert not marker.exists()
    assert internal_lines(r.stdout, f"{name}/pickler") and "not JSON" in r.stdout, r.stdout
    assert CORE_FINDING in r.stdout


def test_a_flood_from_the_worker_does_not_exhaust_the_parent(hub, tmp_path):
    flood = rule_module("flood", """
        chunk = b"[" * (1 << 20)
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    for _ in range(200):  # 200 MB, no newline
                        os.write(fd, chunk)
            except OSError:
                pass
    """, imports="import os, stat")
    name, r = _run_trusted(hub, tmp_path, "flood", {"flood": flood})
    assert r.returncode == 3, r.stdout + r.stderr
    assert internal_lines(r.stdout, f"{name}/flood") and "exceeded" in r.stdout, r.stdout
    assert CORE_FINDING in r.stdout


def test_a_suppression_comment_applies_to_a_contained_rule(hub, tmp_path):
    sub = hub.subscriber()
    name = publish(hub, sub, tmp_path, "demo", {})
    project = project_using(hub, sub, tmp_path / "victim", name)
    (project / "p.go").write_text((project / "p.go").read_text().replace("if ok == true {", f"if ok == true {{ //nolint:{name}/boolcompare"))
    trust(sub.namespace, project)
    r = gocheck("--locked", "--no-cache", "./...", cwd=project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert not rule_finding(r.stdout, f"{name}/boolcompare") and CORE_FINDING in r.stdout, r.stdout
