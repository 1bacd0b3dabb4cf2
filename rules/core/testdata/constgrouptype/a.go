package constgrouptype

import "time"

type Color int

type Label string

const (
	Red   Color = 1 // want "only the first constant in this group has an explicit type \\(Color\\); the other 2 are untyped"
	Green       = 2
	Blue        = 3
)

const (
	Small Label = "s" // want "the other 1 are untyped"
	Large       = "l"

	Unrelated = 4
)

const (
	A Color = iota
	B
	C
)

const (
	Hot  Color = -1 // want "the other 1"
	Cold       = 1
)

const (
	X Color = 1
	Y Color = 2
	Z       = 3
)

const (
	Mixed Color = 1
	Text        = "x"
)

const (
	Tick time.Duration = 1
	Tock               = 2
)

const (
	Neg Color = -1
	// the next ones belong together
	Zero = 0
	One  = 1
)
