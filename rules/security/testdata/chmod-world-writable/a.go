package a

import "os"

func modes(f *os.File) {
	os.Chmod("/usr/local/bin/tool", 0777) // want "mode 0777 lets every user"
	f.Chmod(0o666) // want "mode 0o666"
	os.Chmod("/etc/app.conf", 0644)
	os.Chmod("/usr/local/bin/tool", 0o755)
	f.Chmod(0600)
}
