//go:build unix

package search

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time: benchmark rates are
// measured against it, not wall time, so that other processes on a shared
// machine do not skew the ratio of two rates measured one after the other.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
