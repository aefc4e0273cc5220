//go:build race

package testenv

// RaceEnabled: the race detector's instrumentation allocates (and
// sync.Pool drops what it is given at random), so allocation bounds do
// not hold under -race.
const RaceEnabled = true
