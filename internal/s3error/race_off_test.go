//go:build !race

package s3error

const raceEnabled = false
