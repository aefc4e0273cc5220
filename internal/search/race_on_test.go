//go:build race

package search

// raceEnabled: the race detector's instrumentation allocates.
const raceEnabled = true
