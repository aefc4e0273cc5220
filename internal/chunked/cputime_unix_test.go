//go:build unix

package chunked

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time: on a machine shared
// with other work, MB per CPU-second varies far less than MB per second.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
