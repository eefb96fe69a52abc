package fingerprint

import (
	"context"
	"runtime"
	"sync"
)

// HashAll hashes every path with up to workers files in flight (0 or less
// means one per CPU) and returns the results in the order of paths. progress,
// if not nil, is called after each file with the number done so far, from
// one goroutine at a time. When ctx is cancelled the files not yet started
// get the error "cancelled".
func HashAll(ctx context.Context, paths []string, opt Options, workers int, progress func(done, total int)) []Result {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, max(1, len(paths)))
	out := make([]Result, len(paths))
	jobs := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					out[i] = Result{File: paths[i], Kind: KindImage, Error: "cancelled"}
				} else {
					out[i] = hashFile(ctx, paths[i], opt)
				}
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(paths))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}
