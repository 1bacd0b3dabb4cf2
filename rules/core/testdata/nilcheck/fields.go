package nilcheck

import (
	"fmt"
	"log"
)

type TLSConfig struct{ ServerName string }

type ServerConfig struct {
	TLS  *TLSConfig
	Name string
}

func (c *ServerConfig) setDefaults() { c.TLS = &TLSConfig{} }

func fieldLogged(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		log.Printf("no TLS config for %s", cfg.Name)
	}
	return cfg.TLS.ServerName // want `possible nil pointer dereference \(cfg.TLS is compared with nil at line 18, and that branch does not leave\)`
}

func fieldLaterStatement(cfg ServerConfig) string {
	if cfg.TLS == nil {
		fmt.Println("warning: no TLS")
	}
	msg := "tls"
	name := cfg.TLS.ServerName // want `cfg.TLS is compared with nil at line 25`
	return msg + name
}

func fieldStar(cfg *ServerConfig) TLSConfig {
	if cfg.TLS == nil {
	}
	return *cfg.TLS // want `cfg.TLS is compared with nil at line 34`
}

// -- traps: all silent ---------------------------------------------------------------------

// The nil branch leaves.
func fieldLeaves(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		return ""
	}
	return cfg.TLS.ServerName
}

// The nil branch sets the field.
func fieldSet(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		cfg.TLS = &TLSConfig{}
	}
	return cfg.TLS.ServerName
}

// The nil branch calls something that may set it (lazy initialisation).
func fieldInitialised(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		cfg.setDefaults()
	}
	return cfg.TLS.ServerName
}

func fieldInitialisedElsewhere(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		initAll()
	}
	return cfg.TLS.ServerName
}

func initAll() {}

// A call between the check and the use may set it.
func fieldCallBetween(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		log.Print("defaults")
	}
	initAll()
	return cfg.TLS.ServerName
}

// The whole value is replaced in between.
func fieldValueReplaced(cfg *ServerConfig, def *ServerConfig) string {
	if cfg.TLS == nil {
		log.Print("using the default config")
	}
	cfg = def
	return cfg.TLS.ServerName
}

// An else branch, or a use that may not run.
func fieldElse(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		log.Print("no TLS")
	} else {
		log.Print("TLS")
	}
	if cfg.Name != "" {
		return cfg.TLS.ServerName
	}
	return ""
}

// A method call on the field: pointer receivers may accept nil.
func (t *TLSConfig) Describe() string {
	if t == nil {
		return "none"
	}
	return t.ServerName
}

func fieldMethod(cfg *ServerConfig) string {
	if cfg.TLS == nil {
		log.Print("no TLS")
	}
	return cfg.TLS.Describe()
}

// A closure may set the field.
func fieldClosure(cfg *ServerConfig) string {
	set := func() { cfg.TLS = &TLSConfig{} }
	if cfg.TLS == nil {
		log.Print("no TLS")
	}
	_ = set
	return cfg.TLS.ServerName
}

// A package-level variable: other code may set it.
var defaultConfig = &ServerConfig{}

func fieldGlobal() string {
	if defaultConfig.TLS == nil {
		log.Print("no TLS")
	}
	return defaultConfig.TLS.ServerName
}

// The field is copied before the check: the copy is a plain variable, the dataflow's business.
func fieldCopied(cfg *ServerConfig) string {
	tls := cfg.TLS
	if cfg.TLS == nil {
		log.Print("no TLS")
	}
	return tls.ServerName
}

// A deferred recover: a panic here is handled on purpose.
func fieldRecovered(cfg *ServerConfig) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	if cfg.TLS == nil {
		log.Print("no TLS")
	}
	return cfg.TLS.ServerName
}
