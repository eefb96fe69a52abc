package detect

import (
	"sync"
)

// minSplit is the work (multiply-adds) below which a layer runs on one
// goroutine: starting goroutines costs more than it saves on tiny layers.
const minSplit = 200_000

// maxWorkers bounds the goroutines one layer is split across (and the
// per-worker scratch a layer may keep).
const maxWorkers = 64

// run executes the plan, splitting each large layer across threads goroutines.
func (p *plan) run(threads int) {
	for i := range p.steps {
		s := &p.steps[i]
		if threads <= 1 || s.units < 2 || s.units*s.cost < minSplit {
			s.run(0, 0, s.units)
			continue
		}
		split(s, min(threads, s.units, maxWorkers))
	}
}

// split runs one layer as n chunks, one per goroutine (the caller's own
// goroutine takes the first). It is a function of its own so that the
// closures it starts cannot make run allocate on the unsplit path.
func split(s *step, n int) {
	var wg sync.WaitGroup
	chunk := (s.units + n - 1) / n
	// Pixel ranges of a matrix multiply should stay multiples of the strip
	// width so that only the last chunk has a ragged edge.
	if s.units >= 8*gemmAlign {
		chunk = (chunk + gemmAlign - 1) / gemmAlign * gemmAlign
	}
	w := 0
	for lo := chunk; lo < s.units; lo += chunk {
		w++
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			s.run(w, lo, hi)
		}(w, lo, min(lo+chunk, s.units))
	}
	s.run(0, 0, min(chunk, s.units))
	wg.Wait()
}

// network is a loaded model with a cache of compiled plans per input size.
// It is safe for concurrent use: each running pass takes a plan of its own.
type network struct {
	m      *model
	mu     sync.Mutex
	plans  map[[2]int][]*plan
	cached int // floats held by idle plans
}

// maxCachedFloats bounds the buffers of idle plans kept for reuse (64 MB):
// (96 MB): the whole-image passes of a photo and one tile plan; a tile plan (about
// 47 MB at 960×960) is rebuilt when needed rather than held between photos.
const maxCachedFloats = 24 << 20

func newNetwork(b []byte) (*network, error) {
	m, err := parseModel(b)
	if err != nil {
		return nil, err
	}
	// Compile once at a small size, so a model the interpreter cannot run is
	// refused at load rather than on the first photo.
	p, err := compile(m, 64, 64)
	if err != nil {
		return nil, err
	}
	n := &network{m: m, plans: map[[2]int][]*plan{}}
	n.put(p)
	return n, nil
}

// get returns an idle plan for an h×w input, compiling one if needed.
func (n *network) get(h, w int) (*plan, error) {
	n.mu.Lock()
	key := [2]int{h, w}
	if ps := n.plans[key]; len(ps) > 0 {
		p := ps[len(ps)-1]
		n.plans[key] = ps[:len(ps)-1]
		n.cached -= p.floats()
		n.mu.Unlock()
		return p, nil
	}
	n.mu.Unlock()
	return compile(n.m, h, w)
}

// put returns a plan for reuse, dropping other idle plans when the cache
// would exceed its budget (and the plan itself if it alone does).
func (n *network) put(p *plan) {
	size := p.floats()
	if size > maxCachedFloats {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for k, ps := range n.plans {
		for len(ps) > 0 && n.cached+size > maxCachedFloats {
			n.cached -= ps[0].floats()
			ps = ps[1:]
		}
		if len(ps) == 0 {
			delete(n.plans, k)
		} else {
			n.plans[k] = ps
		}
	}
	key := [2]int{p.h, p.w}
	n.plans[key] = append(n.plans[key], p)
	n.cached += size
}

// floats is the size of the plan's buffers.
func (p *plan) floats() int {
	n := 0
	for _, b := range p.bufs {
		n += len(b)
	}
	return n
}
