package app

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// timings records when the steps of opening a photo happened, for the
// responsiveness figures. With VEIL_TIMINGS=1 in the environment each mark is
// also printed to standard error (nothing is written to disk).
type timings struct {
	mu       sync.Mutex
	start    time.Time
	startCPU time.Duration
	marks    map[string]time.Duration
	cpu      map[string]time.Duration
	print    bool
	probe    *stallProbe
}

func newTimings() *timings {
	return &timings{start: time.Now(), startCPU: processCPU(), marks: map[string]time.Duration{}, cpu: map[string]time.Duration{}, print: os.Getenv("VEIL_TIMINGS") == "1"}
}

func (t *timings) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start, t.startCPU = time.Now(), processCPU()
	t.marks, t.cpu = map[string]time.Duration{}, map[string]time.Duration{}
}

// mark records that step happened now.
func (t *timings) mark(step string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := time.Since(t.start)
	c := processCPU() - t.startCPU
	t.marks[step], t.cpu[step] = d, c
	if t.print {
		worst := ""
		if t.probe != nil {
			worst = fmt.Sprintf(" (slowest UI response since the previous step: %.1f ms)", float64(t.probe.takeWorst().Microseconds())/1000)
		}
		fmt.Fprintf(os.Stderr, "veil timing: %s %.1f ms (process CPU %.1f ms)%s\n", step, float64(d.Microseconds())/1000, float64(c.Microseconds())/1000, worst)
	}
}

// get returns when step happened (wall time) and the CPU time the process
// had used by then, both since the start, if it happened.
func (t *timings) get(step string) (wall, cpu time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	wall, ok = t.marks[step]
	return wall, t.cpu[step], ok
}

// stallProbe measures how long the UI goroutine takes to run an empty
// function, every 10 ms: the worst figure is the longest time the window
// could not respond (a "stall"). It runs only with VEIL_TIMINGS=1.
type stallProbe struct {
	mu     sync.Mutex
	worst  time.Duration // over the whole run
	recent time.Duration // since the last takeWorst
	n      int
}

// takeWorst returns the slowest response since the previous call.
func (p *stallProbe) takeWorst() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.recent
	p.recent = 0
	return w
}

func (t *timings) startStallProbe(doAndWait func(func()), stop <-chan struct{}) *stallProbe {
	p := &stallProbe{}
	if !t.print {
		return p
	}
	t.mu.Lock()
	t.probe = p
	t.mu.Unlock()
	stacks := os.Getenv("VEIL_STALL_STACKS") == "1"
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			t0 := time.Now()
			if stacks {
				done := make(chan struct{})
				go sampleStall(done)
				doAndWait(func() {})
				close(done)
			} else {
				doAndWait(func() {})
			}
			d := time.Since(t0)
			p.mu.Lock()
			p.n++
			p.recent = max(p.recent, d)
			p.worst = max(p.worst, d)
			if d > 100*time.Millisecond {
				t.mu.Lock()
				at := time.Since(t.start)
				t.mu.Unlock()
				fmt.Fprintf(os.Stderr, "veil timing: UI stall %.1f ms, ended %.1f ms after the last open\n", float64(d.Microseconds())/1000, float64(at.Microseconds())/1000)
			}
			p.mu.Unlock()
		}
	}()
	return p
}

// report prints the worst stall seen so far.
func (p *stallProbe) report() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n > 0 {
		fmt.Fprintf(os.Stderr, "veil timing: worst UI response %.1f ms over %d probes\n", float64(p.worst.Microseconds())/1000, p.n)
	}
}

// sampleStall prints the UI goroutine's stack every 40 ms while it has not
// answered a probe for 60 ms, until done is closed: what the window was busy
// with during a stall. It runs only with VEIL_TIMINGS=1 and
// VEIL_STALL_STACKS=1 (each sample stops the world for a moment).
func sampleStall(done <-chan struct{}) {
	select {
	case <-done:
		return
	case <-time.After(60 * time.Millisecond):
	}
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		// Fyne's event loop and every fyne.Do function run on goroutine 1.
		g := string(buf[:n])
		if i := strings.Index(g, "goroutine 1 ["); i >= 0 {
			g = g[i:]
			if j := strings.Index(g, "\n\n"); j >= 0 {
				g = g[:j]
			}
			fmt.Fprintf(os.Stderr, "veil timing: UI goroutine during a stall:\n%s\n", g)
		}
		select {
		case <-done:
			return
		case <-time.After(40 * time.Millisecond):
		}
	}
}
