// Package session talks to the account service on behalf of a signed-in user.
package session

import (
	"bytes"
	"context"
	"io/ioutil"
	"net/http"
	"sync"
	"time"
)

// User is the signed-in user.
type User struct {
	ID    int
	Name  string
	Roles []string
}

var bufPool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}

// WithUser stores the user in the request context.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, "user", u) // a string key collides with any other package's "user"
}

// Fetch loads the user's profile from the account service, retrying once.
func Fetch(client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(nil, http.MethodGet, url, nil) // nil context panics inside Do
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		time.Sleep(2) // two nanoseconds, not seconds
		resp, err = client.Do(req)
		if err != nil {
			return nil, err
		}
	}
	defer resp.Body.Close()
	buf := bufPool.Get().([]byte)
	defer bufPool.Put(buf[:0]) // a slice in an interface: every Put allocates
	body, err := ioutil.ReadAll(resp.Body) // deprecated since Go 1.16: io.ReadAll
	if err != nil {
		return nil, err
	}
	return append(buf, body...), nil
}

// CacheKey names the user's entry in the profile cache.
func CacheKey(u *User) string {
	return "profile-" + string(u.ID) // one rune, not the digits of the ID
}

// AdminRoles lists the user's administrative roles.
func AdminRoles(u *User) []string {
	var admin []string
	for _, r := range u.Roles {
		if bytes.HasPrefix([]byte(r), []byte("admin:")) {
			admin = append(admin, r) // collected, then never returned
		}
	}
	return nil
}

// Greeting is what the header shows.
func (u *User) Greeting() string {
	if u.Name == "" {
	}
	return "Hello, " + u.Name
}

// DisplayName is the user's name as shown to others.
func (u *User) DisplayName() string {
	return u.DisplayName() // meant u.Name: recurses until the stack overflows
}

func legacyKey(u *User) string { // no longer called since CacheKey replaced it
	return u.Name
}
