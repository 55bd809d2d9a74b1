package storage

import (
	"context"
	"fmt"
	"runtime"
)

// hashSlots bounds how many argon2id computations run at once. Each takes 19 MiB and
// tens of milliseconds, so without a bound a flood of sign-ins (even with made-up
// emails, which are hashed too, to keep timing equal) would exhaust memory. Callers
// beyond the bound wait their turn, or give up when their request ends.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// withHashSlot runs fn once a slot is free, or fails when ctx ends first.
func withHashSlot(ctx context.Context, fn func() error) error {
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("storage: waiting to check a password: %w", ctx.Err())
	}
	defer func() { <-hashSlots }()
	return fn()
}
