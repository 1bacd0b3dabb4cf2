package deprecated

import "syscall"

func callWindows() {
	syscall.Syscall(0, 0, 0, 0, 0) // want "syscall.Syscall has been deprecated: Use SyscallN"
}
