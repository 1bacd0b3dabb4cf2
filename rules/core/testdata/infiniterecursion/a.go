package infiniterecursion

import "fmt"

type Client struct{ conn interface{ Close() error } }

func (c *Client) Close() error {
	return c.Close() // want "infinite recursive call"
}

type Level int

func (l Level) String() string {
	s := fmt.Sprint(int(l))
	return l.String() + s // want "infinite recursive call"
}

func countdown(n int) {
	fmt.Println(n)
	countdown(n - 1) // want "infinite recursive call"
}

func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

func (c *Client) Other(d *Client) error {
	return d.Other(c)
}

func guarded(n int) bool {
	return n > 0 && guarded(n-1)
}

func inIf(n int) {
	if n > 0 {
		inIf(n - 1)
	}
}
