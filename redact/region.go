package redact

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// Shape is the outline of a redacted region.
type Shape int

// The shapes. Rect is the zero value.
const (
	// Rect redacts the whole rectangle.
	Rect Shape = iota
	// Ellipse redacts the ellipse inscribed in the rectangle; the corners
	// outside it are left untouched.
	Ellipse
)

// Shapes lists every shape, in the order a user interface offers them.
var Shapes = []Shape{Rect, Ellipse}

// String returns "rect" or "ellipse".
func (s Shape) String() string {
	switch s {
	case Rect:
		return "rect"
	case Ellipse:
		return "ellipse"
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// ParseShape parses "rect" (or "rectangle") and "ellipse" (or "oval"), in any case.
func ParseShape(s string) (Shape, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rect", "rectangle", "box":
		return Rect, nil
	case "ellipse", "oval":
		return Ellipse, nil
	}
	return 0, fmt.Errorf("unknown shape %q (want rect or ellipse)", s)
}

// Style is how a region's pixels are replaced.
type Style int

// The styles, strongest first. Solid is the zero value and the default.
const (
	// Solid paints the region opaque black. Nothing of the original survives.
	Solid Style = iota
	// Pixelate replaces the region with coarse blocks (at most 8 across its
	// shorter side), each the block's mean colour plus random noise, so the
	// means cannot be read back and fed to a depixelation attack.
	Pixelate
	// Blur applies a heavy box blur (window at least a quarter of the region's
	// shorter side, three passes, approximating a Gaussian) plus random noise.
	// It is the weakest style: a blurred face can still be recognised by
	// someone who knows the person, and blurred text can often be read, so it
	// must never be offered for text.
	Blur
)

// Styles lists every style, strongest first.
var Styles = []Style{Solid, Pixelate, Blur}

// String returns "solid", "pixelate" or "blur".
func (s Style) String() string {
	switch s {
	case Solid:
		return "solid"
	case Pixelate:
		return "pixelate"
	case Blur:
		return "blur"
	}
	return fmt.Sprintf("Style(%d)", int(s))
}

// ParseStyle parses "solid", "pixelate" and "blur" (and a few synonyms), in any case.
func ParseStyle(s string) (Style, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "solid", "fill", "black", "box":
		return Solid, nil
	case "pixelate", "pixelated", "pixel", "mosaic":
		return Pixelate, nil
	case "blur", "blurred":
		return Blur, nil
	}
	return 0, fmt.Errorf("unknown style %q (want solid, pixelate or blur)", s)
}

// Region is one area to redact, in pixels of the upright image measured from
// its top-left corner. Parts outside the image are ignored.
type Region struct {
	Rect  image.Rectangle
	Shape Shape
	Style Style
}

// String renders the region as "x,y,w,h shape style", the form the command line reads.
func (r Region) String() string {
	c := r.Rect.Canon()
	return fmt.Sprintf("%d,%d,%d,%d %s %s", c.Min.X, c.Min.Y, c.Dx(), c.Dy(), r.Shape, r.Style)
}

func (r Region) valid() error {
	if r.Shape != Rect && r.Shape != Ellipse {
		return fmt.Errorf("invalid shape %d", int(r.Shape))
	}
	if r.Style < Solid || r.Style > Blur {
		return fmt.Errorf("invalid style %d", int(r.Style))
	}
	return nil
}

// span returns the half-open range of columns [x0, x1) of row y that the
// region covers, clipped to clip. Rect (canonical) is the unclipped region.
// It is the one definition of the mask: painting and checking both use it.
func span(rect image.Rectangle, shape Shape, y int, clip image.Rectangle) (x0, x1 int) {
	if y < clip.Min.Y || y >= clip.Max.Y || y < rect.Min.Y || y >= rect.Max.Y {
		return 0, 0
	}
	x0, x1 = rect.Min.X, rect.Max.X
	if shape == Ellipse {
		// A pixel is inside when its centre is inside the inscribed ellipse.
		rx, ry := float64(rect.Dx())/2, float64(rect.Dy())/2
		cx, cy := float64(rect.Min.X)+rx, float64(rect.Min.Y)+ry
		dy := (float64(y) + 0.5 - cy) / ry
		if dy*dy > 1 {
			return 0, 0
		}
		half := rx * math.Sqrt(1-dy*dy)
		x0 = int(math.Ceil(cx - half - 0.5))
		x1 = int(math.Floor(cx+half-0.5)) + 1
		x0, x1 = max(x0, rect.Min.X), min(x1, rect.Max.X)
	}
	x0, x1 = max(x0, clip.Min.X), min(x1, clip.Max.X)
	if x1 <= x0 {
		return 0, 0
	}
	return x0, x1
}
