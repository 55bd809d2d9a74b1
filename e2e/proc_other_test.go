//go:build !linux

package e2e

import "os/exec"

// dieWithParent does nothing off Linux: a server left by a killed test binary must be
// ended by hand there.
func dieWithParent(*exec.Cmd) {}
