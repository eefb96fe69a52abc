package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"

	"codeberg.org/veil/veil/internal/ffmpeg"
)

// A simple tracker for areas added by hand (a name tag, a number plate, a
// face the detector cannot see): the area's pixels in its first frame are a
// template, searched for near where it was in each next frame. It follows
// things that move and keep their look; it does not follow changes of size.

// followSide is the long side of the frames the tracker searches.
const followSide = 480

// FollowArea follows rect (in the upright frame at full size), drawn on
// frame first, through frame last, and returns its place in each frame
// first..last. progress, if not nil, is called as frames are done.
func FollowArea(ctx context.Context, ff *ffmpeg.Runner, a *Analysis, rect image.Rectangle, first, last int, progress func(Progress)) ([]image.Rectangle, error) {
	if first < 0 || last >= len(a.Frames) || first > last {
		return nil, fmt.Errorf("frames %d to %d are not in the video", first, last)
	}
	rect = rect.Canon().Intersect(image.Rectangle{Max: a.Size})
	if rect.Empty() {
		return nil, errors.New("the area lies outside the picture")
	}
	small := scaledSize(a.Size, followSide)
	sx := float64(small.X) / float64(a.Size.X)
	sy := float64(small.Y) / float64(a.Size.Y)
	var tr *areaTracker
	boxes := make([]image.Rectangle, 0, last-first+1)
	meter := newMeter("Following the area", last-first+1, progress)
	err := a.frames(ctx, ff, first, last, followSide, func(_ int, f *ffmpeg.Frame) error {
		g := grey(f)
		if tr == nil {
			r := image.Rect(int(float64(rect.Min.X)*sx), int(float64(rect.Min.Y)*sy),
				int(math.Ceil(float64(rect.Max.X)*sx)), int(math.Ceil(float64(rect.Max.Y)*sy)))
			tr = newAreaTracker(g, r)
			boxes = append(boxes, rect)
		} else {
			p := tr.step(g)
			d := image.Pt(int(math.Round(float64(p.X)/sx)), int(math.Round(float64(p.Y)/sy)))
			boxes = append(boxes, rect.Add(d))
		}
		meter.frame(len(boxes))
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A video that ends early (it should not) keeps the last place.
	for len(boxes) < last-first+1 {
		if len(boxes) == 0 {
			boxes = append(boxes, rect)
			continue
		}
		boxes = append(boxes, boxes[len(boxes)-1])
	}
	return boxes, nil
}

var errEnough = errors.New("enough frames")

// frames decodes frames first..last (upright, RGBA, long side at most
// maxSide) and calls fn with each and its index. It seeks to the first
// (FFmpeg's seek may land a frame early; those are skipped) and stops after
// the last.
func (a *Analysis) frames(ctx context.Context, ff *ffmpeg.Runner, first, last, maxSide int, fn func(i int, f *ffmpeg.Frame) error) error {
	if first < 0 || last >= len(a.Frames) || first > last {
		return fmt.Errorf("frames %d to %d are not in the video", first, last)
	}
	i := first
	err := ff.Frames(ctx, a.Path, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true, MaxSide: maxSide, Start: a.Frames[first].Time}, func(f *ffmpeg.Frame) error {
		if i > last {
			return errEnough
		}
		if i == first && f.Time+a.FrameDuration(first)/2 < a.Frames[first].Time {
			return nil
		}
		if err := fn(i, f); err != nil {
			return err
		}
		i++
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return err
}

// Picture returns frame i upright, its long side at most maxSide (0: full
// size), for a viewer.
func (a *Analysis) Picture(ctx context.Context, ff *ffmpeg.Runner, i, maxSide int) (*image.NRGBA, error) {
	var img *image.NRGBA
	err := a.frames(ctx, ff, i, i, maxSide, func(_ int, f *ffmpeg.Frame) error {
		img = &image.NRGBA{Pix: append([]byte(nil), f.Pix...), Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
		return errEnough
	})
	if err != nil {
		return nil, err
	}
	if img == nil {
		return nil, ErrNoFrames
	}
	return img, nil
}

// greyImage is a frame's luma, for the tracker.
type greyImage struct {
	w, h int
	pix  []float32
}

func grey(f *ffmpeg.Frame) *greyImage {
	g := &greyImage{w: f.Width, h: f.Height, pix: make([]float32, f.Width*f.Height)}
	bpp := 3
	if f.Format == ffmpeg.RGBA {
		bpp = 4
	}
	for y := range f.Height {
		row := f.Pix[y*f.Stride:]
		for x := range f.Width {
			p := row[bpp*x:]
			g.pix[y*f.Width+x] = 0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])
		}
	}
	return g
}

// areaTracker finds a template near its last place in each new frame.
type areaTracker struct {
	tmpl   []float32 // template, tw×th
	tw, th int
	// at is the template's top-left corner in the first frame; off its
	// displacement since.
	at  image.Point
	off image.Point
}

// Tracker settings.
const (
	// searchFrac is how far (as a fraction of the area's larger side, at
	// least minSearch pixels of the small frame) it may move between frames.
	searchFrac = 0.5
	minSearch  = 8
	// learn is how much of each new sighting goes into the template, so
	// that a slowly turning or lit object keeps being found.
	learn = 0.15
)

func newAreaTracker(g *greyImage, r image.Rectangle) *areaTracker {
	r = r.Intersect(image.Rect(0, 0, g.w, g.h))
	t := &areaTracker{tw: max(1, r.Dx()), th: max(1, r.Dy()), at: r.Min}
	t.tmpl = make([]float32, t.tw*t.th)
	t.copyFrom(g, r.Min, 1)
	return t
}

// copyFrom blends the frame's pixels at p (clamped at the edges) into the
// template with weight w.
func (t *areaTracker) copyFrom(g *greyImage, p image.Point, w float32) {
	for y := range t.th {
		gy := min(max(p.Y+y, 0), g.h-1)
		for x := range t.tw {
			gx := min(max(p.X+x, 0), g.w-1)
			k := y*t.tw + x
			t.tmpl[k] = (1-w)*t.tmpl[k] + w*g.pix[gy*g.w+gx]
		}
	}
}

// sad is the mean absolute difference between the template and the frame
// at p, over a grid of template pixels (every step-th), for parts inside
// the frame; +Inf when too little of it is inside.
func (t *areaTracker) sad(g *greyImage, p image.Point, step int) float64 {
	var sum float64
	n := 0
	for y := 0; y < t.th; y += step {
		gy := p.Y + y
		if gy < 0 || gy >= g.h {
			continue
		}
		for x := 0; x < t.tw; x += step {
			gx := p.X + x
			if gx < 0 || gx >= g.w {
				continue
			}
			d := float64(t.tmpl[y*t.tw+x] - g.pix[gy*g.w+gx])
			sum += math.Abs(d)
			n++
		}
	}
	total := ((t.th + step - 1) / step) * ((t.tw + step - 1) / step)
	if n*4 < total {
		return math.Inf(1) // less than a quarter in view: no evidence
	}
	return sum / float64(n)
}

// step finds the template in frame g near its last place (coarse grid, then
// a fine search around the best), learns from it, and returns the
// displacement from the first frame.
func (t *areaTracker) step(g *greyImage) image.Point {
	reach := max(minSearch, int(searchFrac*float64(max(t.tw, t.th))))
	cur := t.at.Add(t.off)
	sample := max(1, min(t.tw, t.th)/16)
	best, bestP := math.Inf(1), cur
	try := func(p image.Point, s int) {
		if v := t.sad(g, p, s); v < best {
			best, bestP = v, p
		}
	}
	coarse := max(1, reach/8)
	for dy := -reach; dy <= reach; dy += coarse {
		for dx := -reach; dx <= reach; dx += coarse {
			try(cur.Add(image.Pt(dx, dy)), sample)
		}
	}
	centre := bestP
	for dy := -coarse; dy <= coarse; dy++ {
		for dx := -coarse; dx <= coarse; dx++ {
			try(centre.Add(image.Pt(dx, dy)), sample)
		}
	}
	if math.IsInf(best, 1) {
		return t.off // out of view: stay where it was last seen
	}
	t.off = bestP.Sub(t.at)
	t.copyFrom(g, bestP, learn)
	return t.off
}
