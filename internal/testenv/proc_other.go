//go:build !linux

package testenv

import "os/exec"

// setParentDeathSignal does nothing off Linux: a child left by a killed test
// binary must be ended by hand there.
func setParentDeathSignal(*exec.Cmd) {}
