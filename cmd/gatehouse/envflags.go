package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// envPrefix names the environment twin of every flag: --redis-url is GATEHOUSE_REDIS_URL.
const envPrefix = "GATEHOUSE_"

// applyEnv sets each flag the command line left alone from its environment twin, so
// that a flag given on the command line always wins.
func applyEnv(cmd *cobra.Command) error {
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" {
			return
		}
		name := envName(f.Name)
		v, ok := os.LookupEnv(name)
		if !ok {
			return
		}
		if err := f.Value.Set(v); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("environment variable %s: %w", name, err)
		}
		f.Changed = true
	})
	return firstErr
}

func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// documentEnv appends each flag's environment twin to its usage text.
func documentEnv(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" {
			f.Usage += " (env " + envName(f.Name) + ")"
		}
	})
}
