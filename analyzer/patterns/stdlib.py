"""The standard library's import paths (Go 1.19, without internal/ and cmd/), so a
pattern's `rand.Read(...)` knows `rand` names a package (math/rand or crypto/rand) and
never a local variable called `rand`. Generated from /usr/share/go-1.19/src."""

from __future__ import annotations

STDLIB_PATHS = frozenset(["archive/tar", "archive/zip", "bufio", "bytes", "compress/bzip2", "compress/flate", "compress/gzip", "compress/lzw", "compress/zlib", "container/heap", "container/list", "container/ring", "context", "crypto", "crypto/aes", "crypto/boring", "crypto/cipher", "crypto/des", "crypto/dsa", "crypto/ecdsa", "crypto/ed25519", "crypto/elliptic", "crypto/hmac", "crypto/md5", "crypto/rand", "crypto/rc4", "crypto/rsa", "crypto/sha1", "crypto/sha256", "crypto/sha512", "crypto/subtle", "crypto/tls", "crypto/tls/fipsonly", "crypto/x509", "crypto/x509/pkix", "database/sql", "database/sql/driver", "debug/buildinfo", "debug/dwarf", "debug/elf", "debug/gosym", "debug/macho", "debug/pe", "debug/plan9obj", "embed", "encoding", "encoding/ascii85", "encoding/asn1", "encoding/base32", "encoding/base64", "encoding/binary", "encoding/csv", "encoding/gob", "encoding/hex", "encoding/json", "encoding/pem", "encoding/xml", "errors", "expvar", "flag", "fmt", "go/ast", "go/build", "go/build/constraint", "go/constant", "go/doc", "go/doc/comment", "go/format", "go/importer", "go/parser", "go/printer", "go/scanner", "go/token", "go/types", "hash", "hash/adler32", "hash/crc32", "hash/crc64", "hash/fnv", "hash/maphash", "html", "html/template", "image", "image/color", "image/color/palette", "image/draw", "image/gif", "image/jpeg", "image/png", "index/suffixarray", "io", "io/fs", "io/ioutil", "log", "log/syslog", "math", "math/big", "math/bits", "math/cmplx", "math/rand", "mime", "mime/multipart", "mime/quotedprintable", "net", "net/http", "net/http/cgi", "net/http/cookiejar", "net/http/fcgi", "net/http/httptest", "net/http/httptrace", "net/http/httputil", "net/http/pprof", "net/mail", "net/netip", "net/rpc", "net/rpc/jsonrpc", "net/smtp", "net/textproto", "net/url", "os", "os/exec", "os/signal", "os/user", "path", "path/filepath", "plugin", "reflect", "regexp", "regexp/syntax", "runtime", "runtime/asan", "runtime/cgo", "runtime/debug", "runtime/metrics", "runtime/msan", "runtime/pprof", "runtime/race", "runtime/trace", "sort", "strconv", "strings", "sync", "sync/atomic", "syscall", "syscall/js", "testing", "testing/fstest", "testing/iotest", "testing/quick", "text/scanner", "text/tabwriter", "text/template", "text/template/parse", "time", "time/tzdata", "unicode", "unicode/utf16", "unicode/utf8", "unsafe"])


def package_name(import_path: str) -> str:
    """The name a package is imported as by default: its last path element, a major
    version suffix (`/v2`) and a `gopkg.in` `.vN` left out."""
    parts = import_path.rstrip("/").split("/")
    last = parts[-1]
    if len(parts) > 1 and last.startswith("v") and last[1:].isdigit():
        last = parts[-2]
    if "." in last and import_path.startswith("gopkg.in/"):
        last = last.split(".", 1)[0]
    last = last.removeprefix("go-")
    return last.replace("-", "_")


STDLIB_NAMES: dict[str, tuple[str, ...]] = {}
for _path in sorted(STDLIB_PATHS):
    STDLIB_NAMES[package_name(_path)] = (*STDLIB_NAMES.get(package_name(_path), ()), _path)
