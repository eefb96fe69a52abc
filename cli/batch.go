package cli

import (
	"fmt"
	"io"
	"sync"
)

// forEachOrdered runs work(i) for i in [0, n) on up to workers goroutines and
// calls report(i, result) on the calling goroutine in index order, as soon as
// each result and all before it are ready, so output reads in input order
// while both cores stay busy.
func forEachOrdered[T any](n, workers int, work func(i int) T, report func(i int, r T)) {
	if n == 0 {
		return
	}
	workers = max(1, min(workers, n))
	results := make([]T, n)
	ready := make([]chan struct{}, n)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = work(i)
				close(ready[i])
			}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
	}()
	for i := 0; i < n; i++ {
		<-ready[i]
		report(i, results[i])
		var zero T
		results[i] = zero // let finished results be collected in long batches
	}
	wg.Wait()
}

// progress draws a one-line counter on stderr when it is a terminal.
type progress struct {
	w     io.Writer
	on    bool
	what  string
	n, of int
}

func newProgress(w io.Writer, what string, of int) *progress {
	return &progress{w: w, on: isTerminal(w) && of > 1, what: what, of: of}
}

func (p *progress) step() {
	p.n++
	if p.on {
		fmt.Fprintf(p.w, "\r%s %d/%d", p.what, p.n, p.of)
	}
}

// clear erases the counter so a normal line can be printed.
func (p *progress) clear() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *progress) done() {
	p.clear()
}
