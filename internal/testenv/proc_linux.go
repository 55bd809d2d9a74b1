//go:build linux

package testenv

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill the child if the test binary dies
// without running its cleanups, as it does on a go test timeout. The signal is
// tied to the OS thread that started the child, which the Go runtime keeps alive
// unless a goroutine exits while locked to it.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
