package a

type Config struct {
	User     string
	Password string
}

const apiToken = "ghp_4f9b2c7d1e8a3f6b" // want "apiToken holds a credential"

const tokenHeader = "X-Auth-Token"

var dbPassword = "s3cr3t-Passw0rd-2024" // want "dbPassword holds a credential"

func config() Config {
	secret := "0123456789abcdef0123" // want "secret holds a credential"
	_ = secret
	placeholder := "changeme"
	_ = placeholder
	return Config{User: "admin", Password: "hunter2hunter2x9"} // want "Password holds a credential"
}

func empty() Config {
	return Config{Password: ""}
}
