//go:build race

package clientlog

// raceEnabled: the race detector's instrumentation allocates (and sync.Pool
// drops what it is given at random), so allocation bounds do not hold.
const raceEnabled = true
