// Package ffmpeg runs the system's FFmpeg (ffmpeg and ffprobe), the one
// outside program Veil may start, and only for videos. Every run is
// hardened the same way, in this package alone:
//
//   - inputs are plain local files, given as "file:/absolute/path" so that
//     no name is ever read as a protocol or a URL; only the file protocol
//     is allowed, and only the demuxers of MP4, MOV, M4V and 3GP files (a
//     caller may add others explicitly), so a playlist renamed .mp4 is
//     refused instead of followed;
//   - no standard input, no banner, bounded threads, a cap on the decoded
//     picture size and on single allocations, and -xerror so that damaged
//     data stops the run instead of being skipped;
//   - a minimal environment (no HOME, no FFREPORT, no locale), so FFmpeg
//     reads no configuration and writes no file but the output it is given;
//   - its own process group, killed as a whole on cancel, on a time limit,
//     when it stops making progress, or when Veil itself dies (Linux);
//   - its messages are kept in memory and boiled down to one plain line.
//
// The errors this package returns give the reason only; callers add the
// file's name ("clip.mp4: damaged or truncated: ...").
package ffmpeg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Errors, matched with errors.Is.
var (
	// ErrNotInstalled means ffmpeg or ffprobe is not on this computer.
	ErrNotInstalled = errors.New("Veil needs FFmpeg for this (photos work without it): " + installHint)
	// ErrRefused means the file is not a format Veil lets FFmpeg open, or
	// it points at other files or addresses.
	ErrRefused = errors.New("refused")
	// ErrDamaged means the file is truncated, corrupt or not a video.
	ErrDamaged = errors.New("damaged")
	// ErrTooLarge means a picture or the output is over the limits.
	ErrTooLarge = errors.New("too large")
	// ErrTimeout means FFmpeg ran past its time limit or stopped making
	// progress, and was stopped.
	ErrTimeout = errors.New("timed out")
	// ErrNoVideo means the file has no video stream to decode.
	ErrNoVideo = errors.New("no video")
)

// Error is a failed FFmpeg run, in one line of plain words.
type Error struct {
	// Reason says what is wrong with the file, without its name.
	Reason string
	// Log holds FFmpeg's last warnings and errors, for a bug report; it
	// is never shown as it is (it can quote metadata and paths).
	Log  string
	kind error
}

func (e *Error) Error() string { return e.Reason }

// Unwrap returns the kind of failure (ErrRefused, ErrDamaged, ...).
func (e *Error) Unwrap() error { return e.kind }

// DefaultFormats are the demuxers every input may be read with: FFmpeg's
// one QuickTime/ISO-BMFF demuxer, under its names (MP4, MOV, M4V, M4A, 3GP,
// 3G2, MJ2).
var DefaultFormats = []string{"mov", "mp4", "m4a", "3gp", "3g2", "mj2"}

// Defaults for Limits.
const (
	DefaultMaxPixels = 8192 * 8192 / 2 // 33.5 Mpx: 8K UHD (7680×4320) fits
	DefaultStall     = time.Minute
	DefaultMaxOutput = 64 << 30
	probeTimeout     = 30 * time.Second
	// maxAlloc caps any single allocation inside FFmpeg: a frame of
	// DefaultMaxPixels in RGBA with padding fits, a hostile sample table
	// claiming 2^32 entries does not.
	maxAlloc = 512 << 20
)

// Limits bound one run of FFmpeg.
type Limits struct {
	// Threads is how many threads FFmpeg may use for decoding, filtering
	// and encoding; 0 means up to 4 (never more than the CPUs).
	Threads int
	// MaxPixels is the largest picture (width × height) FFmpeg may decode
	// or Veil accept as a frame; 0 means DefaultMaxPixels.
	MaxPixels int
	// MaxOutput is the largest file Run may write, in bytes; 0 means
	// DefaultMaxOutput.
	MaxOutput int64
	// Timeout stops the whole run after this long; 0 means 30 seconds for
	// Probe and no limit for Frames, Poster and Run, which Stall still
	// guards.
	Timeout time.Duration
	// Stall stops a run when FFmpeg has produced nothing for this long
	// while Veil was waiting for it; 0 means DefaultStall.
	Stall time.Duration
}

func (l Limits) threads() int {
	if l.Threads > 0 {
		return l.Threads
	}
	return min(4, runtime.NumCPU())
}

func (l Limits) maxPixels() int {
	if l.MaxPixels > 0 {
		return l.MaxPixels
	}
	return DefaultMaxPixels
}

func (l Limits) maxOutput() int64 {
	if l.MaxOutput > 0 {
		return l.MaxOutput
	}
	return DefaultMaxOutput
}

func (l Limits) stall() time.Duration {
	if l.Stall > 0 {
		return l.Stall
	}
	return DefaultStall
}

// Runner runs FFmpeg's programs with Veil's hardening. Its methods may be
// called from several goroutines; each call starts its own process.
type Runner struct {
	ffmpeg, ffprobe string
	// Limits apply to every run; the zero value means the defaults.
	Limits Limits

	versionOnce sync.Once
	version     string
}

// New finds ffmpeg and ffprobe on the PATH. Without them it returns
// ErrNotInstalled: Veil works on photos without FFmpeg, and needs it only
// for videos.
func New() (*Runner, error) {
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, ErrNotInstalled
	}
	if ff, err = filepath.Abs(ff); err != nil {
		return nil, ErrNotInstalled
	}
	// The ffprobe of the same installation first.
	probe := filepath.Join(filepath.Dir(ff), "ffprobe"+filepath.Ext(ff))
	if st, err := os.Stat(probe); err != nil || st.IsDir() {
		if probe, err = exec.LookPath("ffprobe"); err != nil {
			return nil, ErrNotInstalled
		}
	}
	return &Runner{ffmpeg: ff, ffprobe: probe}, nil
}

// Version returns FFmpeg's version as it prints it (for example
// "5.1.9-0+deb12u1"), or "unknown". Bit-exact results such as vPDQ name it.
func (r *Runner) Version() string {
	r.versionOnce.Do(func() {
		r.version = "unknown"
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, r.ffmpeg, "-hide_banner", "-version")
		cmd.Env, cmd.Dir = cleanEnv(), rootDir()
		out, err := cmd.Output()
		if err != nil {
			return
		}
		line, _, _ := strings.Cut(string(out), "\n")
		if rest, ok := strings.CutPrefix(line, "ffmpeg version "); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				r.version = f[0]
			}
		}
	})
	return r.version
}
