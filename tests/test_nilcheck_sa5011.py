"""nilcheck against staticcheck's SA5011 (possible nil pointer dereference) testdata, from
Debian's golang-honnef-go-tools-dev. Its wants are written `//@ diag(...)`.

Every want is found. nilcheck also reports eight things SA5011 leaves to other checks or
to later work; each is right, and listed so that anything else is a failure:
- line 18: `*x` before `if x != nil { return }` (check after use; staticcheck's SSA
  optimises the conditional return away and says so in a comment);
- lines 56, 66: `x == nil` right after `x := new(int)` / `y := &x` is never true (vet
  nilness's condition findings; SA5011 only says "x can't be nil" there);
- line 86: `*x` after `if x != nil { return }` always panics (staticcheck: "TODO(dh): not
  currently supported");
- lines 157, 166, 175, 183: `xs == nil` right after `var xs []int` is always true.
"""

from pathlib import Path


from analyzer.api.analysis_pass import Package
from analyzer.pipeline.rulepack import core_pack_dir, load_pack
from analyzer.pipeline.runner import Engine, EngineOptions
from analyzer.golang.source import GoFile
from tests.support.environment import require_dir

TESTDATA = Path("/usr/share/gocode/src/honnef.co/go/tools/staticcheck/testdata/src/example.com/CheckMaybeNil")
RIGHT_BEYOND_SA5011 = {
    ("CheckMaybeNil.go", 18, "possible nil pointer dereference"),
    ("CheckMaybeNil.go", 56, "impossible condition"),
    ("CheckMaybeNil.go", 66, "impossible condition"),
    ("CheckMaybeNil.go", 86, "nil dereference in load"),
    ("CheckMaybeNil.go", 157, "tautological condition"),
    ("CheckMaybeNil.go", 166, "tautological condition"),
    ("CheckMaybeNil.go", 175, "tautological condition"),
    ("CheckMaybeNil.go", 183, "tautological condition"),
}

require_dir(TESTDATA, "golang-honnef-go-tools-dev")


def test_every_sa5011_want_and_nothing_wrong():
    rule = next(r for r in load_pack(core_pack_dir()).rules if r.name == "nilcheck")
    files = [GoFile.parse(str(p), p.read_bytes()) for p in sorted(TESTDATA.glob("*.go"))]
    wants = {(Path(f.path).name, i) for f in files for i, line in enumerate(f.source.decode().split("\n"), 1) if "//@ diag(`possible nil pointer dereference`)" in line}
    found = [(Path(d.path).name, d.line, d.message) for d in Engine([rule], EngineOptions(include_generated=True)).check_package(Package(str(TESTDATA), files))]
    assert len(wants) == 6
    # a dereference finding on each (line 178 says more: `xs3` is nil on every path there)
    assert wants <= {(name, line) for name, line, message in found if message.startswith(("possible nil pointer dereference", "nil dereference"))}
    extra = {(name, line, message) for name, line, message in found if (name, line) not in wants}
    assert {(name, line, next(p for p in ("possible nil pointer dereference", "impossible condition", "nil dereference in load", "tautological condition", "") if message.startswith(p))) for name, line, message in extra} == RIGHT_BEYOND_SA5011
