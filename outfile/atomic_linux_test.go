//go:build linux

package outfile

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGroupSyncCoversEveryWriter: every writer returns only after a sync that
// started after it arrived, and concurrent writers share syncs.
func TestGroupSyncCoversEveryWriter(t *testing.T) {
	g := newGroupSync()
	var clock, syncs atomic.Int64
	g.do = func(int) error {
		start := clock.Add(1)
		syncs.Add(1)
		time.Sleep(2 * time.Millisecond)
		_ = start
		return nil
	}
	const writers = 64
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			arrived := clock.Load()
			if err := g.sync(0); err != nil {
				t.Error(err)
			}
			if clock.Load() <= arrived {
				t.Error("returned without a sync that started after the write")
			}
		}()
	}
	wg.Wait()
	if n := syncs.Load(); n >= writers {
		t.Errorf("%d syncs for %d writers: no sharing", n, writers)
	}
	t.Logf("%d writers, %d syncs", writers, syncs.Load())
}
