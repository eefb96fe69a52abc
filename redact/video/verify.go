package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
	"codeberg.org/veil/veil/redact/detect"
)

// ErrNotRedacted is wrapped by Verify's errors when the written video is not
// what was asked for: a region not covered, frames missing or moved, a
// stream or a box that should not be there. Such a file must never be
// named.
var ErrNotRedacted = errors.New("the written video is not redacted as planned")

// Finding is a face the detector found in the written video outside every
// redaction: it may be a face that was missed, or a false detection (a
// pattern, a poster, a pet). A person decides.
type Finding struct {
	Frame int
	Time  time.Duration
	// Box is the face's tight box in the upright frame; Cover the area
	// that would redact it.
	Box, Cover image.Rectangle
	Score      float32
}

// Verification is what Verify checked in the written video.
type Verification struct {
	// Frames is how many frames were decoded and checked, each at its time.
	Frames int
	// Duration is the written file's duration.
	Duration time.Duration
	// Regions counts the regions whose pixels were checked, over all frames.
	Regions int
	// Findings are faces found outside every redaction (and outside every
	// face kept visible on purpose).
	Findings []Finding
	// Container says how the file's structure was checked.
	Container string
}

// Verify checks a written redaction, out, as a viewer would see it: one
// video stream (and the sound only if it was kept), the source's upright
// size, its duration within one frame, every frame at its source time, every
// region of the plan still covered in the encoded pixels, and the
// container's structure (VerifyContainer). Any failure is an error wrapping
// ErrNotRedacted. Then the detector runs on every frame with Analyze's
// passes, reporting from CheckThreshold; faces it finds outside the
// redactions are returned as findings for a person to review.
func Verify(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, plan *Plan, out *os.File, keptAudio bool, progress func(Progress)) (*Verification, error) {
	v := &Verification{}
	if err := checkStreams(ctx, ff, a, out, keptAudio, v); err != nil {
		return nil, err
	}
	what, err := VerifyContainer(out)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotRedacted, err)
	}
	v.Container = what
	d, err := detect.New()
	if err != nil {
		return nil, err
	}
	if a.Options.Threads > 0 {
		d = d.WithThreads(a.Options.Threads)
	}
	side := a.Options.detectSide()
	small := scaledSize(a.Size, side)
	// The detector's copy is scaled as RGBA: x/image/draw has no fast path
	// into an NRGBA image (its generic path took longer than the detector),
	// and decoded frames are opaque, so their RGBA and NRGBA bytes agree.
	var scaled *image.RGBA
	if small != a.Size {
		scaled = image.NewRGBA(image.Rectangle{Max: small})
	}
	shift := frameShift(a, keptAudio)
	meter := newMeter("Checking the result", len(a.Frames), progress)
	err = ff.FramesOf(ctx, out, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true}, func(f *ffmpeg.Frame) error {
		i := v.Frames
		if err := checkFrameTime(a, f, i, shift); err != nil {
			return err
		}
		img := &image.NRGBA{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
		regions := plan.Regions(i)
		for _, r := range regions {
			if err := checkCovered(img, r); err != nil {
				return fmt.Errorf("%w: frame %d (%s): %s: %w", ErrNotRedacted, i, clock(a.Frames[i].Time), r, err)
			}
		}
		v.Regions += len(regions)
		see := img
		if scaled != nil {
			photo.Scale(scaled, &image.RGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect})
			see = &image.NRGBA{Pix: scaled.Pix, Stride: scaled.Stride, Rect: scaled.Rect}
		}
		faces, err := d.Detect(ctx, see, detectOptions(i, a.Options, CheckThreshold))
		if err != nil {
			return err
		}
		for _, fc := range scaleFaces(faces, see.Rect.Size(), a.Size) {
			// Only the part inside the frame can show anything: a box the
			// detector reaches past the edge is judged by what is in view.
			if !plan.covers(i, fc.Box.Intersect(img.Rect)) {
				v.Findings = append(v.Findings, Finding{Frame: i, Time: a.Frames[i].Time, Box: fc.Box, Cover: fc.Cover, Score: fc.Score})
			}
		}
		v.Frames++
		meter.frame(v.Frames)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if v.Frames != len(a.Frames) {
		return nil, fmt.Errorf("%w: it holds %d frames, the source %d", ErrNotRedacted, v.Frames, len(a.Frames))
	}
	return v, nil
}

// scaledSize is size shrunk (never enlarged) so its long side is at most
// side, as FFmpeg's scaling for Analyze does.
func scaledSize(size image.Point, side int) image.Point {
	long := max(size.X, size.Y)
	if long <= side {
		return size
	}
	w := max(1, int(float64(size.X)*float64(side)/float64(long)+0.5))
	h := max(1, int(float64(size.Y)*float64(side)/float64(long)+0.5))
	return image.Pt(w, h)
}

// checkStreams checks the written file's streams against the source.
func checkStreams(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, out *os.File, keptAudio bool, v *Verification) error {
	info, err := ff.ProbeOf(ctx, out, ffmpeg.ProbeOptions{})
	if err != nil {
		return fmt.Errorf("%w: it cannot be read back: %w", ErrNotRedacted, err)
	}
	var videos, audios int
	var vs ffmpeg.Stream
	for _, s := range info.Streams {
		switch s.Type {
		case "video":
			videos++
			vs = s
		case "audio":
			audios++
		default:
			return fmt.Errorf("%w: it holds a %s stream", ErrNotRedacted, s.Type)
		}
	}
	wantAudio := 0
	if keptAudio {
		wantAudio = 1
	}
	if videos != 1 || audios != wantAudio {
		return fmt.Errorf("%w: it holds %d video and %d sound streams, not 1 and %d", ErrNotRedacted, videos, audios, wantAudio)
	}
	if vs.Rotation != 0 {
		return fmt.Errorf("%w: its picture is marked as turned by %d°", ErrNotRedacted, vs.Rotation)
	}
	if w, h := vs.DisplaySize(); w != a.Size.X || h != a.Size.Y {
		return fmt.Errorf("%w: its picture is %d×%d, the source's %d×%d", ErrNotRedacted, w, h, a.Size.X, a.Size.Y)
	}
	// The file's duration: with only a video stream in it, the video's.
	// (ffprobe's own figure for a video stream with B-frames at a variable
	// frame rate is off by the edit list; the file's is what players show.)
	v.Duration = info.Duration
	want := a.Duration
	if keptAudio && a.FileDuration > 0 {
		want = a.FileDuration
	}
	last := len(a.Frames) - 1
	frame := a.FrameDuration(last)
	near := func(w time.Duration) bool { return w <= 0 || absDur(v.Duration-w) <= max(frame, time.Millisecond) }
	// Alone in its file, the video lasts as its frames span: a stream's
	// own duration can be an estimate (a transport stream's) or count an
	// edit the copy does not need.
	span := a.Frames[last].Time + frame - a.Frames[0].Time
	if !near(want) && (keptAudio || !near(span)) {
		return fmt.Errorf("%w: it lasts %s, the source %s (more than a frame apart)", ErrNotRedacted, clock(v.Duration), clock(want))
	}
	return nil
}

// checkFrameTime checks that decoded frame i is shown when the source's is,
// moved by shift (see frameShift).
func checkFrameTime(a *Analysis, f *ffmpeg.Frame, i int, shift int64) error {
	if i >= len(a.Frames) {
		return fmt.Errorf("%w: it holds more frames than the source (%d)", ErrNotRedacted, len(a.Frames))
	}
	if f.Width != a.Size.X || f.Height != a.Size.Y {
		return fmt.Errorf("%w: its frame %d is %d×%d, not %d×%d", ErrNotRedacted, i, f.Width, f.Height, a.Size.X, a.Size.Y)
	}
	want := a.Frames[i].Time
	if shift != 0 {
		want += time.Duration(float64(shift) * float64(time.Second) * float64(a.TimeBase.Num) / float64(a.TimeBase.Den))
	}
	// A tick of either time base, at least a millisecond, at most a frame.
	tol := max(time.Millisecond, time.Duration(float64(time.Second)*float64(a.TimeBase.Num)/float64(a.TimeBase.Den)))
	if !f.HasPTS || absDur(f.Time-want) > tol {
		return fmt.Errorf("%w: its frame %d is shown at %s, the source's at %s", ErrNotRedacted, i, clock(f.Time), clock(want))
	}
	return nil
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Limits of the pixel check on encoded frames. libx264 at the default
// quality keeps a black area black and a flat block flat, give or take
// a few levels; edges bleed a couple of pixels into their neighbours
// (chroma is stored at half size), so a margin is left out.
const (
	coverMargin = 3
	// solidMaxLuma is the brightest a pixel inside a solid region may be.
	solidMaxLuma = 48
	// blockMaxSpread is the largest luma difference between two pixels
	// inside one pixelation block (away from its edges).
	blockMaxSpread = 40
)

// checkCovered checks that region r of an encoded frame still shows its
// redaction: near-black for Solid, flat blocks for Pixelate.
func checkCovered(img *image.NRGBA, r redact.Region) error {
	rect := r.Rect.Canon()
	switch r.Style {
	case redact.Solid:
		return eachPixel(img, rect, r.Shape, coverMargin, func(x, y int, l int) error {
			if l > solidMaxLuma {
				return fmt.Errorf("pixel (%d,%d) has luma %d, not black", x, y, l)
			}
			return nil
		})
	case redact.Pixelate:
		bs := pixelBlock(min(rect.Dx(), rect.Dy()))
		for by := rect.Min.Y; by < rect.Max.Y; by += bs {
			for bx := rect.Min.X; bx < rect.Max.X; bx += bs {
				blk := image.Rect(bx, by, bx+bs, by+bs).Intersect(rect)
				lo, hi := 255, 0
				eachPixel(img, blk, redact.Rect, min(coverMargin, (bs-1)/2), func(_, _ int, l int) error {
					lo, hi = min(lo, l), max(hi, l)
					return nil
				})
				if hi-lo > blockMaxSpread {
					return fmt.Errorf("block at (%d,%d) is not flat (luma %d to %d)", bx, by, lo, hi)
				}
			}
		}
		return nil
	}
	return fmt.Errorf("style %s is not checked in videos", r.Style)
}

// pixelBlock is redact's pixelation block for a region whose shorter side
// is short (at most 8 blocks across, at least 4 px).
func pixelBlock(short int) int { return max(4, (short+7)/8) }

// eachPixel calls fn with the luma of every pixel of rect (clipped to img)
// at least margin pixels inside its edges (and inside the ellipse, for
// Ellipse), and inside the image's edges by the same margin.
func eachPixel(img *image.NRGBA, rect image.Rectangle, shape redact.Shape, margin int, fn func(x, y, l int) error) error {
	c := rect.Inset(margin).Intersect(img.Rect.Inset(margin))
	if c.Empty() {
		return nil
	}
	rx, ry := float64(rect.Dx())/2, float64(rect.Dy())/2
	cx, cy := float64(rect.Min.X)+rx, float64(rect.Min.Y)+ry
	for y := c.Min.Y; y < c.Max.Y; y++ {
		row := img.Pix[img.PixOffset(0, y):]
		for x := c.Min.X; x < c.Max.X; x++ {
			if shape == redact.Ellipse {
				dx := (float64(x) + 0.5 - cx) / max(rx-float64(margin), 1)
				dy := (float64(y) + 0.5 - cy) / max(ry-float64(margin), 1)
				if dx*dx+dy*dy > 1 {
					continue
				}
			}
			p := row[4*x:]
			l := (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000
			if err := fn(x, y, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// covers reports whether a face's box in frame i is, for the most part,
// inside the plan's regions, or inside a face the user chose to keep
// visible.
func (p *Plan) covers(i int, box image.Rectangle) bool {
	var redacted, kept []image.Rectangle
	for _, t := range p.Tracks {
		if r, ok := t.At(i); ok {
			if p.Keep[t.ID] {
				kept = append(kept, r)
			} else {
				redacted = append(redacted, r)
			}
		}
	}
	for _, ar := range p.Areas {
		if r, ok := ar.At(i); ok {
			redacted = append(redacted, r)
		}
	}
	return coverage(box, redacted) >= 0.5 || coverage(box, kept) >= 0.5
}

// coverage is the share of box inside the union of rects, sampled on a
// 16×16 grid.
func coverage(box image.Rectangle, rects []image.Rectangle) float64 {
	if box.Empty() {
		return 1
	}
	const n = 16
	in := 0
	for j := range n {
		y := box.Min.Y + (2*j+1)*box.Dy()/(2*n)
		for i := range n {
			x := box.Min.X + (2*i+1)*box.Dx()/(2*n)
			pt := image.Pt(x, y)
			for _, r := range rects {
				if pt.In(r) {
					in++
					break
				}
			}
		}
	}
	return float64(in) / (n * n)
}
