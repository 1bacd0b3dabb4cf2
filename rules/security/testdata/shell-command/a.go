package a

import (
	"context"
	"os/exec"
)

const script = "ls -l"

func run(ctx context.Context, file string) {
	_ = exec.Command("sh", "-c", "cat "+file) // want "\"sh\" -c runs \"cat \"\\+file"
	_ = exec.CommandContext(ctx, "/bin/bash", "-c", file) // want "-c runs file, which is not a constant"
	_ = exec.Command("sh", "-c", script)
	_ = exec.Command("sh", "-c", "ls -l")
	_ = exec.Command("cat", file)
}
