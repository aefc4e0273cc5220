package search

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// rowTrier is one worker's view of a stage: it tries a row's candidates
// and counts them.
type rowTrier[H any] interface {
	try(r int) (H, bool) // the row's first hit, in search order
	drain() int64        // candidates tried since the last drain
}

// sweep is one stage run on all workers.
type sweep struct {
	rows, workers int
	stagePlanned  int64 // candidates in this stage, to size the chunks
	planned       int64 // candidates in the whole run, for progress
	tier          string
	opts          *Options
	start         time.Time
	deadline      <-chan time.Time
	tried         *atomic.Int64 // the run's count
	stop          *atomic.Bool  // the run's stop flag: budget, cancel or a hit's limit
}

// sweepRows runs the stage's rows on s.workers goroutines, each with its
// own trier from newTrier, and returns the earliest hit (nil for none).
// Rows are handed out in increasing order in chunks; once a hit is found at
// row r no row after r is started and the rows before it still finish, so
// the hit returned is the first in search order whatever the scheduling.
// ctx, the deadline and Options.MaxCandidates stop it; progress is
// reported every ProgressInterval.
func sweepRows[H any](ctx context.Context, s sweep, newTrier func() rowTrier[H]) *H {
	perRow := max(1, s.stagePlanned/int64(max(s.rows, 1)))
	chunk := int64(max(1, 4096/perRow))
	var next, limit atomic.Int64
	limit.Store(int64(s.rows))
	var mu sync.Mutex
	var best *H
	bestRow := -1
	found := func(h H, r int) {
		mu.Lock()
		if best == nil || r < bestRow {
			best, bestRow = &h, r
		}
		mu.Unlock()
		for {
			l := limit.Load()
			if int64(r) >= l || limit.CompareAndSwap(l, int64(r)) {
				return
			}
		}
	}
	var wg sync.WaitGroup
	for range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newTrier()
			for !s.stop.Load() {
				lo := next.Add(chunk) - chunk
				if lo >= int64(s.rows) || lo > limit.Load() {
					return
				}
				for r := lo; r < min(lo+chunk, int64(s.rows)) && r <= limit.Load(); r++ {
					if h, ok := w.try(int(r)); ok {
						found(h, int(r))
						break
					}
				}
				s.tried.Add(w.drain())
				if s.opts.MaxCandidates > 0 && s.tried.Load() >= s.opts.MaxCandidates {
					s.stop.Store(true)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(ProgressInterval)
	defer tick.Stop()
	deadline := s.deadline
	for {
		select {
		case <-done:
			return best
		case <-tick.C:
			if s.opts.Progress != nil {
				s.opts.Progress(Progress{Tried: s.tried.Load(), Planned: s.planned, Tier: s.tier, Elapsed: time.Since(s.start)})
			}
		case <-ctx.Done():
			s.stop.Store(true)
			ctx = context.Background() // report once; keep waiting for the workers
		case <-deadline:
			s.stop.Store(true)
			deadline = nil
		}
	}
}
