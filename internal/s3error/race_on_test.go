//go:build race

package s3error

// raceEnabled: the race detector's instrumentation allocates (and sync.Pool
// drops what it is given at random), so allocation bounds do not hold.
const raceEnabled = true
