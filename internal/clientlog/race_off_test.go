//go:build !race

package clientlog

const raceEnabled = false
