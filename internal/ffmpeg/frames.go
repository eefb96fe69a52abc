package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// PixelFormat is the layout of a decoded frame's pixels.
type PixelFormat int

const (
	RGB24 PixelFormat = iota // 3 bytes a pixel: R, G, B
	RGBA                     // 4 bytes a pixel: R, G, B, A (A is 255)
)

func (f PixelFormat) ffmpegName() string {
	if f == RGBA {
		return "rgba"
	}
	return "rgb24"
}

func (f PixelFormat) bytesPerPixel() int {
	if f == RGBA {
		return 4
	}
	return 3
}

// Track chooses which video stream to decode.
type Track string

const (
	// MainVideo is the first video stream that is not a cover picture.
	MainVideo Track = ""
	// FirstVideo is the first video stream of any kind, the one vPDQ's
	// reference decodes.
	FirstVideo Track = "v"
)

// StreamIndex chooses the stream with ffprobe's index i (Stream.Index).
func StreamIndex(i int) Track { return Track(strconv.Itoa(max(0, i))) }

func (t Track) mapSpec() string {
	switch t {
	case MainVideo:
		return "0:V:0"
	case FirstVideo:
		return "0:v:0"
	}
	return "0:" + string(t)
}

// FrameOptions choose how Frames decodes.
type FrameOptions struct {
	Track Track
	// Formats are demuxers allowed besides DefaultFormats.
	Formats []string
	// Pixels is the frames' layout: RGB24 (the default) or RGBA.
	Pixels PixelFormat
	// PlainC runs FFmpeg's plain C code (-cpuflags 0) instead of its SIMD
	// code: decoding is the same, but swscale's YUV to RGB conversion then
	// gives the pixels Meta's published vPDQ hashes were made from. About
	// 2.3 times slower.
	PlainC bool
	// AutoRotate turns frames upright by the display matrix (what people
	// see; what a face detector needs). By default frames are the stored
	// pixels, as hashes use them.
	AutoRotate bool
	// Size scales frames to exactly this size; zero keeps the stored size.
	Size image.Point
	// MaxSide shrinks frames (never enlarges them), keeping the aspect
	// ratio, so that neither side exceeds it; ignored when Size is set.
	MaxSide int
	// ScaleFlags is swscale's algorithm ("area", "bicubic", ...) for the
	// scaling and the colour conversion; "" is FFmpeg's default.
	ScaleFlags string
	// Every keeps only the frames whose decoded index is a multiple of it
	// (0 or 1: every frame).
	Every int
	// Start skips to this time in the video first.
	Start time.Duration
	// Limit stops after this many frames (0: all of them).
	Limit int
}

// Frame is one decoded picture.
type Frame struct {
	// Index counts decoded frames from Start (before Every's selection).
	Index int64
	// PTS is the frame's presentation timestamp in TimeBase units, as
	// FFmpeg's decoder gives it (HasPTS false when it has none).
	PTS      int64
	TimeBase Rational
	HasPTS   bool
	// Time is PTS as a time from the start of the video (Start included).
	Time time.Duration
	// Width, Height and Stride (bytes a row) describe Pix.
	Width, Height, Stride int
	Format                PixelFormat
	// Pix holds the pixels. It is reused for the next frame: copy what
	// must outlive the callback.
	Pix []byte
}

// filters is the -vf chain: selection, scaling, the pixel format, and
// showinfo (which tells Veil each frame's size and timestamp).
func (o FrameOptions) filters() string {
	var f []string
	if o.Every > 1 {
		f = append(f, fmt.Sprintf(`select=not(mod(n\,%d))`, o.Every))
	}
	flags := ""
	if o.ScaleFlags != "" {
		flags = ":flags=" + o.ScaleFlags
	}
	switch {
	case o.Size.X > 0 && o.Size.Y > 0:
		f = append(f, fmt.Sprintf("scale=w=%d:h=%d%s", o.Size.X, o.Size.Y, flags))
	case o.MaxSide > 0:
		m := o.MaxSide
		f = append(f, fmt.Sprintf(`scale=w='min(iw\,%d)':h='min(ih\,%d)':force_original_aspect_ratio=decrease%s`, m, m, flags))
	}
	f = append(f, "format="+o.Pixels.ffmpegName(), "showinfo@veil=checksum=0")
	return strings.Join(f, ",")
}

// frameArgs is the whole command line of a Frames run.
func (r *Runner) frameArgs(src source, o FrameOptions) []string {
	a := globalArgs(r.Limits, "info", o.PlainC)
	if o.ScaleFlags != "" {
		a = append(a, "-sws_flags", o.ScaleFlags)
	}
	if !o.AutoRotate {
		src.args = append(src.args, "-noautorotate")
	}
	if o.Start > 0 {
		src.args = append(src.args, "-ss", strconv.FormatFloat(o.Start.Seconds(), 'f', 6, 64))
	}
	a = append(a, inputArgs(r.Limits, src)...)
	a = append(a, "-map", o.Track.mapSpec(), "-an", "-sn", "-dn", "-vf", o.filters(), "-fps_mode", "passthrough")
	if o.Limit > 0 {
		a = append(a, "-frames:v", strconv.Itoa(o.Limit))
	}
	return append(a, pipeOutput(r.Limits, "rawvideo")...)
}

// frameInfo is what showinfo says of one frame.
type frameInfo struct {
	timeBase Rational
	n        int64
	pts      int64
	hasPTS   bool
	format   string
	w, h     int
}

// parseShowinfo reads showinfo's line about one frame:
// "n:   3 pts:   1536 pts_time:0.1 pos: 4242 fmt:rgb24 sar:1/1 s:64x48 i:P ...".
func parseShowinfo(msg string) (frameInfo, bool) {
	if !strings.HasPrefix(msg, "n:") {
		return frameInfo{}, false
	}
	var fi frameInfo
	var haveN, haveS bool
	fields := strings.Fields(msg)
	for i := 0; i < len(fields); i++ {
		k, v, _ := strings.Cut(fields[i], ":")
		if v == "" && i+1 < len(fields) && !strings.Contains(fields[i+1], ":") {
			i++ // "n:   3": the value is the next field
			v = fields[i]
		}
		switch k {
		case "n":
			n, err := strconv.ParseInt(v, 10, 64)
			haveN = err == nil && n >= 0
			fi.n = n
		case "pts":
			if p, err := strconv.ParseInt(v, 10, 64); err == nil {
				fi.pts, fi.hasPTS = p, true
			}
		case "fmt":
			fi.format = v
		case "s":
			ws, hs, ok := strings.Cut(v, "x")
			w, err1 := strconv.Atoi(ws)
			h, err2 := strconv.Atoi(hs)
			if ok && err1 == nil && err2 == nil && w > 0 && h > 0 {
				fi.w, fi.h, haveS = w, h, true
			}
		}
	}
	return fi, haveN && haveS
}

// parseTimeBase reads showinfo's "config in time_base: 1/15360, frame_rate: 30/1".
func parseTimeBase(msg string) (Rational, bool) {
	rest, ok := strings.CutPrefix(msg, "config in time_base:")
	if !ok {
		return Rational{}, false
	}
	tb, _, _ := strings.Cut(rest, ",")
	r, ok := parseRational(tb)
	return r, ok && r.Num > 0 && r.Den > 0
}

// maxAhead bounds how many frames' descriptions may wait for their pixels.
const maxAhead = 4096

// Frames decodes a video stream and calls fn with each frame, in order,
// one at a time: memory holds one frame, whatever the video's length. An
// error from fn stops FFmpeg and is returned as it is.
func (r *Runner) Frames(ctx context.Context, path string, opt FrameOptions, fn func(*Frame) error) error {
	src, err := fileSource(path, opt.Formats)
	if err != nil {
		return err
	}
	return r.frames(ctx, src, opt, fn)
}

// FramesOf is Frames for an open file, which need not have a name: an
// output being verified before it is named. FFmpeg reads it through the
// descriptor it inherits.
func (r *Runner) FramesOf(ctx context.Context, f *os.File, opt FrameOptions, fn func(*Frame) error) error {
	src, err := openSource(f, 3, opt.Formats)
	if err != nil {
		return err
	}
	return r.frames(ctx, src, opt, fn)
}

func (r *Runner) frames(ctx context.Context, src source, opt FrameOptions, fn func(*Frame) error) error {
	infos := make(chan frameInfo, maxAhead)
	quit := make(chan struct{}) // closed when Veil stops reading
	var timeBase Rational       // the stderr reader's own
	onInfo := func(l logLine) {
		if l.ctx != "showinfo@veil" {
			return
		}
		if fi, ok := parseShowinfo(l.msg); ok {
			fi.timeBase = timeBase
			select {
			case infos <- fi:
			case <-quit:
			}
		} else if tb, ok := parseTimeBase(l.msg); ok {
			timeBase = tb
		}
	}
	p, out, err := start(ctx, startOptions{prog: r.ffmpeg, args: r.frameArgs(src, opt), limits: r.Limits, timeout: r.Limits.Timeout, wantOut: true, onInfo: onInfo, inherit: src.inherited()})
	if err != nil {
		return err
	}
	defer out.Close()
	go func() {
		<-p.log.finished
		close(infos)
	}()
	err = r.readFrames(p, out, infos, opt, fn)
	close(quit)
	var fe *frameError
	switch {
	case err == nil:
		return p.wait()
	case errors.As(err, &fe):
		// FFmpeg's own failure (it stopped at damaged data, or was
		// stopped) explains a short or odd frame stream best; closing the
		// pipe ends it if it is still writing.
		out.Close()
		if werr := p.wait(); werr != nil {
			return werr
		}
		return fe.error
	default:
		p.abort(err)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
}

// frameError is a problem in FFmpeg's frame stream itself (a short frame,
// sizes that disagree); FFmpeg's own error, when it has one, explains the
// same failure better.
type frameError struct{ error }

// readFrames pairs each showinfo description with its pixels from stdout.
func (r *Runner) readFrames(p *process, out *os.File, infos <-chan frameInfo, opt FrameOptions, fn func(*Frame) error) error {
	bpp := opt.Pixels.bytesPerPixel()
	every := int64(max(1, opt.Every))
	var buf []byte
	f := &Frame{Format: opt.Pixels}
	for delivered := 0; opt.Limit <= 0 || delivered < opt.Limit; delivered++ {
		p.wd.waiting()
		fi, ok := <-infos
		if !ok {
			return trailing(out)
		}
		if fi.format != opt.Pixels.ffmpegName() {
			return &frameError{fmt.Errorf("FFmpeg gave frames in %s, not %s", fi.format, opt.Pixels.ffmpegName())}
		}
		if max := r.Limits.maxPixels(); fi.w > max || fi.h > max || fi.w*fi.h > max {
			return &Error{Reason: fmt.Sprintf("its pictures are %d×%d pixels, larger than Veil decodes", fi.w, fi.h), kind: ErrTooLarge}
		}
		size := fi.w * fi.h * bpp
		if cap(buf) < size {
			buf = make([]byte, size)
		}
		buf = buf[:size]
		if _, err := io.ReadFull(out, buf); err != nil {
			if stop := p.stopped(); stop != nil {
				return stop
			}
			return &frameError{fmt.Errorf("FFmpeg's frame %d ended early: %w", fi.n, err)}
		}
		p.wd.busy()
		*f = Frame{
			Index: fi.n * every, PTS: fi.pts, HasPTS: fi.hasPTS, TimeBase: fi.timeBase,
			Width: fi.w, Height: fi.h, Stride: fi.w * bpp, Format: opt.Pixels, Pix: buf,
		}
		if tb := fi.timeBase; fi.hasPTS && tb.Num > 0 && tb.Den > 0 {
			f.Time = opt.Start + time.Duration(float64(fi.pts)*float64(time.Second)*float64(tb.Num)/float64(tb.Den))
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	// Filters may describe frames past -frames:v that are never written.
	return nil
}

// trailing checks that nothing follows the last described frame.
func trailing(out *os.File) error {
	var one [1]byte
	if n, _ := out.Read(one[:]); n > 0 {
		return &frameError{errors.New("FFmpeg wrote more pixels than it described frames")}
	}
	return nil
}
