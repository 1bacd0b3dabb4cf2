package unmarshalptr

import (
	"encoding/json"
	"encoding/xml"
	"io"
)

type Config struct{ Name string }

func load(data []byte, r io.Reader, into any, cfgp *Config) error {
	var cfg Config
	if err := json.Unmarshal(data, cfg); err != nil { // want "Unmarshal needs a pointer, not a struct value"
		return err
	}
	var names []string
	if err := xml.Unmarshal(data, names); err != nil { // want "needs a pointer, not a slice value"
		return err
	}
	dec := json.NewDecoder(r)
	var m map[string]int
	if err := dec.Decode(m); err != nil { // want "Decode needs a pointer, not a map value"
		return err
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return err
	}
	if err := json.Unmarshal(data, into); err != nil {
		return err
	}
	return json.Unmarshal(data, cfgp)
}
