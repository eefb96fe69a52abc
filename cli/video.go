package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// isInputName picks the files taken from folders: photos and videos
// (including those Veil refuses, so each gets its one-line reason).
func isInputName(name string) bool { return photo.IsImageName(name) || fingerprint.IsVideoName(name) }

// isVideoFile decides, from its name and first bytes, whether a file goes
// the video way (streamed, never read whole). An image by its bytes stays
// an image whatever it is called; so do HEIF stills, which are ISO base
// media files too.
func isVideoFile(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fingerprint.IsVideoName(path)
	}
	defer f.Close()
	var b [fingerprint.SniffLen]byte
	n, _ := io.ReadFull(f, b[:])
	return fingerprint.IsVideo(b[:n], path)
}

// interruptible returns a context cancelled by Ctrl-C (or SIGTERM), so
// that a long video clean stops and leaves nothing behind.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// videoProgress prints a per-file percentage on a terminal; it is shared
// by the workers of a batch.
type videoProgress struct {
	mu   sync.Mutex
	w    io.Writer
	on   bool
	last time.Time
}

func newVideoProgress(w io.Writer) *videoProgress {
	return &videoProgress{w: w, on: isTerminal(w)}
}

// fn returns the progress callback for one file.
func (p *videoProgress) fn(name string) func(done, total int64) {
	if p == nil || !p.on {
		return nil
	}
	name = inspectSafeName(filepath.Base(name))
	return func(done, total int64) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if time.Since(p.last) < 200*time.Millisecond && done < total {
			return
		}
		p.last = time.Now()
		pct := 100
		if total > 0 {
			pct = int(done * 100 / total)
		}
		fmt.Fprintf(p.w, "\r\033[Kcleaning %s %d%% (Ctrl-C to stop)", name, pct)
	}
}

func (p *videoProgress) clear() {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	fmt.Fprint(p.w, "\r\033[K")
	p.mu.Unlock()
}

// videoOutExt keeps the input's extension when it names a movie Veil
// writes, else uses the container's.
func videoOutExt(name, container string) string {
	if metadata.IsVideoName(name) {
		return filepath.Ext(name)
	}
	return "." + strings.ToLower(container)
}
