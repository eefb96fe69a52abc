package app

import (
	"image"
	"math"

	"fyne.io/fyne/v2"
)

// viewMap maps between view coordinates (Fyne units inside the editor) and
// image coordinates (pixels of the upright, full-resolution photo). The photo
// is drawn centred and scaled to fit ("contain"), Off being its top-left
// corner in the view and Scale the view units per image pixel.
type viewMap struct {
	Off   fyne.Position
	Scale float32
	W, H  int // image size in pixels
}

// fitImage returns the mapping that shows a w×h image as large as possible
// inside box, centred, keeping its aspect ratio.
func fitImage(w, h int, box fyne.Size) viewMap {
	if w <= 0 || h <= 0 || box.Width <= 0 || box.Height <= 0 {
		return viewMap{W: w, H: h}
	}
	s := min(box.Width/float32(w), box.Height/float32(h))
	return viewMap{
		Off:   fyne.NewPos((box.Width-s*float32(w))/2, (box.Height-s*float32(h))/2),
		Scale: s,
		W:     w, H: h,
	}
}

// ToImage returns the image pixel under view position p (not clamped).
func (m viewMap) ToImage(p fyne.Position) image.Point {
	if m.Scale <= 0 {
		return image.Point{}
	}
	// The small bias absorbs float32 rounding (0.15 is not exact), so that a
	// point mapped from pixel x maps back to x and not x-1.
	const bias = 1e-3
	return image.Pt(
		int(math.Floor(float64(p.X-m.Off.X)/float64(m.Scale)+bias)),
		int(math.Floor(float64(p.Y-m.Off.Y)/float64(m.Scale)+bias)),
	)
}

// ToView returns where image rectangle r is drawn in the view.
func (m viewMap) ToView(r image.Rectangle) (fyne.Position, fyne.Size) {
	return fyne.NewPos(m.Off.X+float32(r.Min.X)*m.Scale, m.Off.Y+float32(r.Min.Y)*m.Scale),
		fyne.NewSize(float32(r.Dx())*m.Scale, float32(r.Dy())*m.Scale)
}

// Delta converts a view distance into image pixels.
func (m viewMap) Delta(d fyne.Delta) image.Point {
	if m.Scale <= 0 {
		return image.Point{}
	}
	return image.Pt(int(math.Round(float64(d.DX/m.Scale))), int(math.Round(float64(d.DY/m.Scale))))
}

// Bounds is the whole image in image coordinates.
func (m viewMap) Bounds() image.Rectangle { return image.Rect(0, 0, m.W, m.H) }

// handle says which part of a region the pointer grabbed.
type handle int

const (
	handleNone handle = iota
	handleMove
	handleN
	handleS
	handleE
	handleW
	handleNE
	handleNW
	handleSE
	handleSW
)

// edges reports which edges a handle moves.
func (h handle) edges() (left, top, right, bottom bool) {
	switch h {
	case handleN:
		return false, true, false, false
	case handleS:
		return false, false, false, true
	case handleE:
		return false, false, true, false
	case handleW:
		return true, false, false, false
	case handleNE:
		return false, true, true, false
	case handleNW:
		return true, true, false, false
	case handleSE:
		return false, false, true, true
	case handleSW:
		return true, false, false, true
	case handleMove:
		return true, true, true, true
	}
	return false, false, false, false
}

// hitTest finds the region under view position p, topmost (last) first, and
// the handle grabbed: corners and edges within tol view units of the
// outline resize, the inside moves. It returns -1 and handleNone for a miss.
func hitTest(rects []image.Rectangle, m viewMap, p fyne.Position, tol float32) (int, handle) {
	for i := len(rects) - 1; i >= 0; i-- {
		pos, size := m.ToView(rects[i])
		x0, y0 := pos.X, pos.Y
		x1, y1 := pos.X+size.Width, pos.Y+size.Height
		if p.X < x0-tol || p.X > x1+tol || p.Y < y0-tol || p.Y > y1+tol {
			continue
		}
		nearL, nearR := abs32(p.X-x0) <= tol, abs32(p.X-x1) <= tol
		nearT, nearB := abs32(p.Y-y0) <= tol, abs32(p.Y-y1) <= tol
		if nearL && nearR { // a tiny region: prefer the nearer edge
			nearL, nearR = abs32(p.X-x0) <= abs32(p.X-x1), abs32(p.X-x0) > abs32(p.X-x1)
		}
		if nearT && nearB {
			nearT, nearB = abs32(p.Y-y0) <= abs32(p.Y-y1), abs32(p.Y-y0) > abs32(p.Y-y1)
		}
		switch {
		case nearT && nearL:
			return i, handleNW
		case nearT && nearR:
			return i, handleNE
		case nearB && nearL:
			return i, handleSW
		case nearB && nearR:
			return i, handleSE
		case nearT:
			return i, handleN
		case nearB:
			return i, handleS
		case nearL:
			return i, handleW
		case nearR:
			return i, handleE
		}
		return i, handleMove
	}
	return -1, handleNone
}

// dragRect applies a drag of d image pixels with handle h to r. Moving keeps
// the size and stops at the image edges; resizing moves only the grabbed
// edges, keeps at least minSide pixels per side, and never leaves bounds.
func dragRect(r image.Rectangle, h handle, d image.Point, bounds image.Rectangle, minSide int) image.Rectangle {
	if h == handleMove {
		w, ht := r.Dx(), r.Dy()
		x := clampInt(r.Min.X+d.X, bounds.Min.X, bounds.Max.X-w)
		y := clampInt(r.Min.Y+d.Y, bounds.Min.Y, bounds.Max.Y-ht)
		return image.Rect(x, y, x+w, y+ht)
	}
	left, top, right, bottom := h.edges()
	out := r
	if left {
		out.Min.X = clampInt(r.Min.X+d.X, bounds.Min.X, r.Max.X-minSide)
	}
	if right {
		out.Max.X = clampInt(r.Max.X+d.X, r.Min.X+minSide, bounds.Max.X)
	}
	if top {
		out.Min.Y = clampInt(r.Min.Y+d.Y, bounds.Min.Y, r.Max.Y-minSide)
	}
	if bottom {
		out.Max.Y = clampInt(r.Max.Y+d.Y, r.Min.Y+minSide, bounds.Max.Y)
	}
	return out.Intersect(bounds)
}

// spanRect is the region drawn from a to b (in either direction), clipped to
// bounds.
func spanRect(a, b image.Point, bounds image.Rectangle) image.Rectangle {
	return image.Rectangle{Min: a, Max: b}.Canon().Intersect(bounds)
}

// nudgeRect moves (or, with resize, grows the bottom-right corner of) r by
// d pixels for keyboard editing, with the same limits as dragging.
func nudgeRect(r image.Rectangle, d image.Point, resize bool, bounds image.Rectangle, minSide int) image.Rectangle {
	if resize {
		return dragRect(r, handleSE, d, bounds, minSide)
	}
	return dragRect(r, handleMove, d, bounds, minSide)
}

// centredRect is a new region of a quarter of the image's shorter side,
// centred, for adding a region with the keyboard or a button.
func centredRect(bounds image.Rectangle) image.Rectangle {
	s := min(bounds.Dx(), bounds.Dy()) / 4
	s = max(s, 1)
	c := image.Pt((bounds.Min.X+bounds.Max.X)/2, (bounds.Min.Y+bounds.Max.Y)/2)
	return image.Rect(c.X-s/2, c.Y-s/2, c.X-s/2+s, c.Y-s/2+s).Intersect(bounds)
}

// displaySize returns the size of the display copy for a w×h image: the
// longer side at most maxSide, never enlarged.
func displaySize(w, h, maxSide int) (int, int) {
	if w <= maxSide && h <= maxSide || w <= 0 || h <= 0 {
		return w, h
	}
	if w >= h {
		return maxSide, max(1, int(math.Round(float64(h)*float64(maxSide)/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*float64(maxSide)/float64(h)))), maxSide
}

// scaleRect maps r from an image of size from to one of size to (full
// resolution to display copy and back).
func scaleRect(r image.Rectangle, from, to image.Point) image.Rectangle {
	if from.X <= 0 || from.Y <= 0 {
		return image.Rectangle{}
	}
	sx := float64(to.X) / float64(from.X)
	sy := float64(to.Y) / float64(from.Y)
	return image.Rect(
		int(math.Floor(float64(r.Min.X)*sx)), int(math.Floor(float64(r.Min.Y)*sy)),
		int(math.Ceil(float64(r.Max.X)*sx)), int(math.Ceil(float64(r.Max.Y)*sy)),
	).Intersect(image.Rectangle{Max: to})
}

func clampInt(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
