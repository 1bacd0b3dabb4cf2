package legacyyaml

import "gopkg.in/yaml.v2"

// goyaml reads a tag without any colon as the yaml key: these are valid for it.
type Config struct {
	Name    string `name`
	Replica int    `replicas,omitempty`
	Extra   string `,inline`
	Port    int    `yaml: "port"` // want `bad syntax for struct tag value`
}

func Load(data []byte) (*Config, error) {
	var c Config
	err := yaml.Unmarshal(data, &c)
	return &c, err
}
