package storage

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestHashSlotsBoundConcurrency checks that no more argon2id computations run at once
// than there are slots, and that a request that ends while waiting gives up cleanly.
func TestHashSlotsBoundConcurrency(t *testing.T) {
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 4 * cap(hashSlots) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = withHashSlot(context.Background(), func() error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				_, err := HashPassword("x")
				running.Add(-1)
				return err
			})
		}()
	}
	wg.Wait()
	if got := peak.Load(); got > int32(cap(hashSlots)) {
		t.Fatalf("%d hashes ran at once, want at most %d", got, cap(hashSlots))
	}

	// With every slot taken, a cancelled request does not wait forever.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	defer func() {
		for range cap(hashSlots) {
			<-hashSlots
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := withHashSlot(ctx, func() error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("withHashSlot with every slot taken and ctx cancelled = %v (ran %v), want context.Canceled", err, ran)
	}
}
