package main

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gatehouse-auth/gatehouse/storage"
)

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users directly in the store (operators)"}
	cmd.AddCommand(newUserCreateCmd())
	return cmd
}

func newUserCreateCmd() *cobra.Command {
	var sf storeFlags
	var email, name string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "create --email E --password-stdin",
		Short: "Create a user, reading the password from standard input",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			if !passwordStdin {
				return errors.New("--password-stdin is required: passwords are never taken as arguments")
			}
			password, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if err != nil && password == "" {
				return errors.New("no password on standard input")
			}
			password = strings.TrimRight(password, "\r\n")
			if len(password) < 8 {
				return errors.New("the password must be at least 8 characters")
			}

			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			st, closeFn, err := sf.openStore(cmd.Context(), log)
			if err != nil {
				return err
			}
			defer closeFn()

			u, err := st.CreateUser(cmd.Context(), email, name, password)
			if errors.Is(err, storage.ErrExists) {
				return fmt.Errorf("a user with the email %s already exists", email)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created user %s (%s).\n", u.Email, u.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's email (required)")
	cmd.Flags().StringVar(&name, "name", "", "the user's display name")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	cmd.Flags().StringVar(&sf.redisURL, "redis-url", "", "Redis URL, redis:// or rediss://")
	cmd.Flags().StringVar(&sf.secretFile, "secret-file", "", "file holding the server secret")
	_ = cmd.MarkFlagRequired("email")
	documentEnv(cmd)
	return cmd
}
