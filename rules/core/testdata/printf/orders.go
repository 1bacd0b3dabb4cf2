package printf

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
)

type Order struct {
	ID    int
	Email string
}

const shippedFormat = "order %d shipped to %s"

func report(w io.Writer, o Order, total float64, err error) {
	log.Printf("order %d shipped to %s", o.ID) // want `log.Printf format %s reads arg #2, but call has 1 arg`
	fmt.Printf("order %d\n", o.ID, o.Email) // want `fmt.Printf call needs 1 arg but has 2 args`
	fmt.Fprintf(w, "total: %.2f %s\n", total) // want `fmt.Fprintf format %s reads arg #2, but call has 1 arg`
	_ = fmt.Sprintf(shippedFormat, o.ID) // want `fmt.Sprintf format %s reads arg #2, but call has 1 arg`
	_ = fmt.Sprintf("order shipped", o.ID) // want `fmt.Sprintf call has arguments but no formatting directives`
	fmt.Printf("progress: 100%") // want `fmt.Printf format % is missing verb at end of string`
	fmt.Printf("%z\n", 3) // want `fmt.Printf format %z has unknown verb z`
	fmt.Printf("%#s\n", "x") // want `fmt.Printf format %#s has unrecognized flag #`
	fmt.Printf("%[3]d\n", 1, 2) // want `fmt.Printf format has invalid argument index \[3\]`
	fmt.Printf("%*d\n", 8) // want `fmt.Printf format %\*d reads arg #2, but call has 1 arg`
	_ = fmt.Sprintf("wrapped: %w", err) // want `fmt.Sprintf does not support error-wrapping directive %w`
	fmt.Println("total: %d", total) // want `fmt.Println call has possible formatting directive %d`
	log.Println("done\n") // want `log.Println arg list ends with redundant newline`
	fmt.Println(os.Stderr, "oops") // want `fmt.Println does not take io.Writer but has first arg os.Stderr`

	logger := log.New(os.Stderr, "inventory: ", 0)
	logger.Printf("%s: %d items", o.Email) // want `\(\*log.Logger\).Printf format %d reads arg #2, but call has 1 arg`
}

// All of these are fine.
func fine(w io.Writer, o Order, args []interface{}, format string, err error) error {
	fmt.Printf("%d%% done, %s\n", 50, "ok")
	fmt.Printf("%-8s|%08.3f|%+d|%x|%q|%v|%T\n", "a", 1.5, 2, 255, "q", o, o)
	fmt.Printf("%*d|%-*.*f\n", 4, 7, 6, 2, 3.14159)
	fmt.Printf("%[2]d %[1]s\n", "one", 2)
	fmt.Printf("%[1]d %[1]x\n", 10)
	fmt.Printf("%d %s\n", args...) // the slice may hold any number of values
	fmt.Printf(format, o.ID)        // not a constant format
	fmt.Println("50% off")          // no verb after the %
	fmt.Println("100%")
	_ = fmt.Errorf("ship %d: %w", o.ID, err)
	_ = errors.New("%d is not a verb here")
	fmt.Fprintln(w, "line")
	return nil
}

// Comments between arguments are not arguments.
func commented(id int, name string) string {
	return fmt.Sprintf("%d: %s",
		// the id first
		id,
		name, // then the name
	)
}
