package printf

import (
	"fmt"
	"log"
)

// A wrapper method with the name of a standard one is checked as the wrapper it is.
type auditLog struct{ prefix string }

func (a *auditLog) Errorf(format string, args ...interface{}) {
	log.Printf("audit: "+format, args...)
}

func audit(a *auditLog, id int) {
	a.Errorf("order %d of %d", id) // want `\(\*printf.auditLog\).Errorf format %d reads arg #2, but call has 1 arg`
	a.Errorf("order %d", id)
}

// Formats from constants declared in the function, or in another file of the package.
func constants(id int) {
	const local = "order %d of %d"
	fmt.Printf(local, id)             // want `fmt.Printf format %d reads arg #2, but call has 1 arg`
	fmt.Printf(shippedFormat, id)     // want `fmt.Printf format %s reads arg #2, but call has 1 arg`
	fmt.Printf(shippedFormat, id, "") // fine
	fmt.Println(local)                // want `fmt.Println call has possible formatting directive %d`
}
