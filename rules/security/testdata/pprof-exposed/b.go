package a

import _ "net/http/pprof" // want "registers /debug/pprof/"
