package deprecated

import "syscall"

// Deprecated on Windows only.
func callLinux() {
	syscall.Syscall(0, 0, 0, 0)
}
