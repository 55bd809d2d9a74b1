//go:build linux

package e2e

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill cmd's process if the test binary dies without
// running its cleanups, as on a go test timeout.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
