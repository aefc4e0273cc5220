package testenv

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// HeapPeak runs f and returns the most heap (live and not yet collected
// objects) seen above what was in use before it, sampled every
// millisecond through runtime/metrics, which does not stop the world.
func HeapPeak(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak uint64
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if v := read(); v > peak {
		peak = v
	}
	if peak < base {
		return 0
	}
	return peak - base
}

// Allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc,
// every allocation counted, not only what stays live), after a collection
// so that nothing earlier is pending. Allocation-bound tests skip under
// RaceEnabled.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
