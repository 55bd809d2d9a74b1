package e2e

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binaries are the programs under test. TestMain builds them once, before any test runs,
// and nothing changes them afterwards.
var binaries struct {
	// gatehouse is cmd/gatehouse, built with the race detector when the tests run with
	// it, so that a data race in the server fails the test that provoked it.
	gatehouse string
	// benchGatehouse is cmd/gatehouse without the race detector, for benchmarks; it is
	// built only when -test.bench is set.
	benchGatehouse string
	// demoTenant is cmd/demo-tenant.
	demoTenant string
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gatehouse-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	if err := buildBinaries(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// buildBinaries builds the programs under test into dir, concurrently.
func buildBinaries(dir string) error {
	type build struct {
		dst   *string
		name  string
		pkg   string
		flags []string
	}
	var race []string
	if raceEnabled {
		race = []string{"-race"}
	}
	builds := []build{
		{&binaries.gatehouse, "gatehouse", "./cmd/gatehouse", race},
		{&binaries.demoTenant, "demo-tenant", "./cmd/demo-tenant", nil},
	}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		builds = append(builds, build{&binaries.benchGatehouse, "gatehouse-bench", "./cmd/gatehouse", nil})
	}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	errc := make(chan error, len(builds))
	for _, b := range builds {
		out := filepath.Join(dir, b.name)
		*b.dst = out
		go func() {
			args := append([]string{"build", "-o", out}, b.flags...)
			errc <- goCommand(root, append(args, b.pkg)...)
		}()
	}
	var errs []string
	for range builds {
		if err := <-errc; err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("build the programs under test:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside a module")
	}
	return filepath.Dir(mod), nil
}

// goCommand runs the go command in dir with the local toolchain.
func goCommand(dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	return nil
}
