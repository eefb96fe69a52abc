package app

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// timings records when the steps of opening a photo happened, for the
// responsiveness figures. With VEIL_TIMINGS=1 in the environment each mark is
// also printed to standard error (nothing is written to disk).
type timings struct {
	mu    sync.Mutex
	start time.Time
	marks map[string]time.Duration
	print bool
}

func newTimings() *timings {
	return &timings{start: time.Now(), marks: map[string]time.Duration{}, print: os.Getenv("VEIL_TIMINGS") == "1"}
}

func (t *timings) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start = time.Now()
	t.marks = map[string]time.Duration{}
}

// mark records that step happened now.
func (t *timings) mark(step string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := time.Since(t.start)
	t.marks[step] = d
	if t.print {
		fmt.Fprintf(os.Stderr, "veil timing: %s %.1f ms\n", step, float64(d.Microseconds())/1000)
	}
}

// get returns when step happened, if it did.
func (t *timings) get(step string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, ok := t.marks[step]
	return d, ok
}
