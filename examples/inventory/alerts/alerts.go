// Package alerts watches stock levels and notifies the warehouse team.
package alerts

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"time"
)

// Rule matches SKUs whose stock is watched.
type Rule struct {
	Pattern string
	Min     int
}

// Matching returns the SKUs some rule watches. Each iteration compiles the same pattern again.
func Matching(skus []string) []string {
	var out []string
	for _, sku := range skus {
		if regexp.MustCompile(`^(DRY|FROZEN)-\d+$`).MatchString(sku) {
			out = append(out, sku)
		}
	}
	return out
}

// Tally counts the SKUs per prefix. The map is declared but never made: the write panics.
func Tally(skus []string) map[string]int {
	var byPrefix map[string]int
	for _, sku := range skus {
		if len(sku) >= 3 {
			byPrefix[sku[:3]]++
		}
	}
	return byPrefix
}

// Notify posts an alert to the team's webhook.
func Notify(url string) error {
	ctx, _ := context.WithTimeout(context.Background(), 10*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return res.Body.Close()
}

// WebhookError is a webhook's refusal.
type WebhookError struct {
	Status int
}

func (e WebhookError) Error() string { return http.StatusText(e.Status) }

// Refused says whether the webhook refused the alert.
func Refused(err error) bool {
	var werr WebhookError
	return errors.As(err, werr) // werr, not &werr: errors.As panics
}

// Run checks the stock until the process is interrupted.
func Run(check func(), jobs <-chan func()) {
	stop := make(chan os.Signal)
	signal.Notify(stop, os.Interrupt)
	go func() {
		for {
			select {
			case job := <-jobs:
				job()
			default:
			}
		}
	}()
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Minute):
			check()
		}
	}
}
