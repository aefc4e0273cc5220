//go:build !race

package har

const raceEnabled = false
