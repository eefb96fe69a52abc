package app

import (
	"os"
	"runtime/debug"
	"sync"

	"codeberg.org/veil/veil/photo"
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

// decodeHeadroom is the soft limit while the embedded HEIF decoder (builds
// without libheif, see needsHeadroom) decodes a photo. Its memory, near
// 430 MB for a 12 MP iPhone photo, is in the Go heap and all live, so under
// memoryLimit the collector would run flat out for nothing and park the UI
// goroutine in mark assists (commit 007c799 has the figures).
const decodeHeadroom = 800 << 20

// needsHeadroom reports whether decoding b needs the raised memory limit:
// only a HEIF decoded by the embedded decoder. libheif's memory is outside
// the Go heap, and its decoded picture is one ordinary buffer.
func needsHeadroom(b []byte) bool {
	return photo.HEIFDecoder != "libheif" && photo.Sniff(b) == photo.HEIF
}

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
