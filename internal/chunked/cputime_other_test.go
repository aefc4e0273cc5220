//go:build !unix

package chunked

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
