package app

import (
	"runtime/debug"
	"sync"
	"testing"

	"codeberg.org/veil/veil/photo"
)

// TestHeadroom: overlapping HEIF decodes raise the soft memory limit once
// and the last one restores it; without limitMemory nothing changes.
func TestHeadroom(t *testing.T) {
	orig := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(orig) })
	limit := func() int64 { return debug.SetMemoryLimit(-1) }

	withHeadroom()() // not limited: a no-op
	if limit() != orig {
		t.Fatalf("limit changed without limitMemory: %d", limit())
	}

	debug.SetMemoryLimit(memoryLimit)
	headroom.Lock()
	headroom.limited = true
	headroom.Unlock()
	t.Cleanup(func() { headroom.Lock(); headroom.limited = false; headroom.Unlock() })

	a := withHeadroom()
	b := withHeadroom()
	if limit() != decodeHeadroom {
		t.Fatalf("limit %d during decodes, want %d", limit(), int64(decodeHeadroom))
	}
	a()
	if limit() != decodeHeadroom {
		t.Fatalf("limit restored while a decode is still under way")
	}
	b()
	if limit() != memoryLimit {
		t.Fatalf("limit %d after the decodes, want %d", limit(), int64(memoryLimit))
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); withHeadroom()() }()
	}
	wg.Wait()
	if limit() != memoryLimit || headroom.n != 0 {
		t.Fatalf("after concurrent decodes: limit %d, %d under way", limit(), headroom.n)
	}
}

// TestNeedsHeadroom: only the embedded HEIF decoder, whose memory is in the
// Go heap, raises the memory limit; libheif's does not.
func TestNeedsHeadroom(t *testing.T) {
	heif := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	if got, want := needsHeadroom(heif), photo.HEIFDecoder != "libheif"; got != want {
		t.Errorf("HEIF with the %s decoder: %v, want %v", photo.HEIFDecoder, got, want)
	}
	if needsHeadroom([]byte{0xFF, 0xD8, 0xFF, 0xE0}) {
		t.Error("a JPEG raised the limit")
	}
}
