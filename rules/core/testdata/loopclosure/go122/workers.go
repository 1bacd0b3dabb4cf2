// Go 1.22 gives each iteration fresh variables: the same code is fine here.
package go122

import "fmt"

func counter() {
	for i := 0; i < 3; i++ {
		go func() {
			fmt.Println(i)
		}()
	}
}

func closeAll(names []string) {
	for _, name := range names {
		defer func() {
			fmt.Println(name)
		}()
	}
}
