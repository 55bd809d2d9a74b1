//go:build race

package e2e

// raceEnabled is set when the tests run under the race detector; the server under test
// is then built with it too, so that a data race in the server fails the test.
const raceEnabled = true
