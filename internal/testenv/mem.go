package testenv

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
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

// BenchInput benchmarks f, which reads an input of size bytes: besides
// time, MB/s and B/op it reports the allocation per input byte (alloc/in)
// and the heap peak over the start (peak-MiB), measured in a run of its
// own before the timed ones.
func BenchInput(b *testing.B, size int, f func()) {
	peak := HeapPeak(f)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	n := 0
	for b.Loop() {
		f()
		n++
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(max(n, 1))/float64(max(size, 1)), "alloc/in")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}
