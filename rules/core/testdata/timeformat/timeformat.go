package timeformat

import (
	"fmt"
	stdtime "time"
	"time"
)

const dayFirst = "2006-02-01"

type Event struct {
	At   time.Time
	Name string
}

type Report struct{}

func (Report) Format(layout string) string { return layout }

func stamp(t time.Time) string {
	return t.Format("2006-02-01") // want `2006-02-01 should be 2006-01-02`
}

func stampUTC(e *Event) string {
	return e.At.UTC().Format("2006-02-01 15:04") // want `2006-02-01 should be 2006-01-02`
}

func parse(s string) (time.Time, error) {
	return time.Parse(dayFirst, s) // want `2006-02-01 should be 2006-01-02`
}

func parseIn(s string, loc *time.Location) (time.Time, error) {
	return stdtime.ParseInLocation("YYYY-MM-DD", s, loc) // want `uses YYYY \(YYYY\)`
}

func now() string {
	return time.Now().Format("%Y-%m-%d") // want `uses strftime verbs \(%Y\)`
}

func appendStamp(buf []byte) []byte {
	start := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	return start.AppendFormat(buf, "2006-01-02 HH:mm") // want `uses HH/hh for the hour \(HH\)`
}

func parsedThenFormatted(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return ""
	}
	return t.Format(`2006-02-01`) // want `2006-02-01 should be 2006-01-02`
}

func clock(t time.Time) string {
	return t.Format("15:mm:ss") + t.Format("MM/DD/2006") + t.Format("02-01-2006 hh:04") // want `uses mm:ss` `uses MM and DD \(MM/DD\)` `uses HH/hh`
}

// Must stay silent.

func words(t time.Time) string {
	return t.Format("Monday, 02-Jan-06 15:04:05 MST") + t.Format("2006-01-02 Thh") + t.Format("Jan _2 SMMS")
}

func fine(t time.Time) string {
	return t.Format("2006-01-02") + t.Format(time.Kitchen) + t.Format("02/01/2006 15:04")
}

func notATime(r Report, other interface{ Format(string) string }) string {
	return r.Format("2006-02-01") + other.Format("YYYY")
}

func variableLayout(t time.Time, layout string) string {
	v := "2006-02-01"
	return t.Format(v) + t.Format(layout)
}

func sprintf(t time.Time) string {
	return fmt.Sprintf("%Y %s", t.Format("2006"))
}

func shadowed() string {
	time := Report{}
	return time.Format("2006-02-01")
}
