package app

import (
	"os"
	"runtime/debug"
	"sync"
)

// memoryLimit is the Go heap's soft limit for the desktop app. A 24 MP photo
// is 96 MB as pixels, and redacting it holds three such buffers for a moment;
// without a limit the collector lets the heap reach twice the live size
// before collecting. GOMEMLIMIT in the environment overrides it.
const memoryLimit = 300 << 20

func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		headroom.limited = true
	}
}

// decodeHeadroom is the soft limit while a HEIF photo is decoded. The
// decoder's memory (libheif's, near 430 MB for a 12 MP iPhone photo) is all
// live, so under memoryLimit the collector would run flat out for nothing
// and park the UI goroutine in mark assists (commit 007c799 has the figures).
const decodeHeadroom = 800 << 20

var headroom struct {
	sync.Mutex
	limited bool // limitMemory set memoryLimit (not so in tests or with GOMEMLIMIT)
	n       int  // decodes under way
}

// withHeadroom raises the soft memory limit to decodeHeadroom until the
// returned function is called (by the last of overlapping callers).
func withHeadroom() (release func()) {
	headroom.Lock()
	defer headroom.Unlock()
	if !headroom.limited {
		return func() {}
	}
	if headroom.n++; headroom.n == 1 {
		debug.SetMemoryLimit(decodeHeadroom)
	}
	return func() {
		headroom.Lock()
		defer headroom.Unlock()
		if headroom.n--; headroom.n == 0 {
			debug.SetMemoryLimit(memoryLimit)
		}
	}
}

// releaseMemory returns the memory of finished heavy work (a detection
// pass, a redaction) to the system, off the UI goroutine.
func releaseMemory() { debug.FreeOSMemory() }
