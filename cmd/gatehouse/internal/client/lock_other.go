//go:build !unix

package client

import "sync"

// lockMu serializes credential updates within this process.
var lockMu sync.Mutex

// lockFile serializes credential updates within this process only.
//
// TODO: lock across processes on Windows too (LockFileEx); until then two commands
// refreshing the same connection at once can trip refresh-token reuse detection.
func lockFile(string) (unlock func(), err error) {
	lockMu.Lock()
	return lockMu.Unlock, nil
}
