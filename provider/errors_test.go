package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ory/fosite"
)

func TestRootCauseIsOneLineWithoutStack(t *testing.T) {
	dial := errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"fosite error wrapping a storage error",
			fosite.ErrInvalidClient.WithWrap(fmt.Errorf("storage: load client: %w", dial)), dial.Error()},
		{"no cause", fosite.ErrInvalidGrant, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rootCause(tt.err)
			if got != tt.want || strings.Contains(got, "\n") {
				t.Fatalf("rootCause = %q, want %q", got, tt.want)
			}
		})
	}
}
