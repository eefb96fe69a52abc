package app

import (
	"fmt"
	"image"
	"path/filepath"

	"codeberg.org/veil/veil/photo"
)

// displayMaxSide bounds the display copy: large enough to look sharp in a
// maximised window, small enough that Fyne's scaling of it stays fast (a full
// 24 MP image costs a second per resize and 300 MB more; see fyne.md §6).
const displayMaxSide = 2048

// detectMaxSide bounds the copy the face detector works on. The detector
// never looks at more than 2560 pixels across (its tiled pass for small
// faces stops there), so a full-resolution decode would cost a 24 MP photo
// 96 MB and a second for nothing; the boxes are scaled back up, rounding
// outward.
const detectMaxSide = 2560

// document is one open photo. The original bytes are never changed: hashes
// are taken from them and every output is a new file.
type document struct {
	Path string // empty for a pasted image
	Name string // what the user calls it (base name)
	Data []byte
	// Format is the container format sniffed from Data.
	Format photo.Format
	// Orientation is the stored EXIF-style orientation, applied to every
	// image the app shows or redacts.
	Orientation int
	// W and H are the upright full-resolution size: the coordinate space of
	// regions.
	W, H int
	// Display is the upright display copy shown on screen.
	Display *image.NRGBA
	// work is the upright copy for the detector (at most detectMaxSide),
	// dropped once detection has run.
	work image.Image
}

// loadPreview prepares a document and its display copy: the quick part of
// opening a photo, before anything heavy runs.
func loadPreview(eng engines, path, name string, b []byte) (*document, error) {
	cfg, f, err := photo.Config(b)
	if err != nil {
		return nil, err
	}
	d := &document{Path: path, Name: name, Data: b, Format: f, Orientation: photo.Orientation(b)}
	d.W, d.H = cfg.Width, cfg.Height
	if d.Orientation >= 5 {
		d.W, d.H = d.H, d.W
	}
	prev, _, err := eng.preview(b, detectMaxSide)
	if err != nil {
		return nil, err
	}
	d.work = photo.Orient(asNRGBA(shrink(prev, detectMaxSide)), d.Orientation)
	d.Display = asNRGBA(shrink(d.work, displayMaxSide))
	return d, nil
}

// loadUpright decodes the full image, upright, for the redacted copy. It is
// decoded only when saving and not kept: 96 MB for a 24 MP photo.
func loadUpright(eng engines, d *document) (image.Image, error) {
	img, _, err := eng.decode(d.Data)
	if err != nil {
		return nil, err
	}
	up := photo.Orient(img, d.Orientation)
	if b := up.Bounds(); b.Dx() != d.W || b.Dy() != d.H {
		return nil, fmt.Errorf("decoded size %dx%d differs from the header's %dx%d", b.Dx(), b.Dy(), d.W, d.H)
	}
	return up, nil
}

// shrink returns img reduced so that its longer side is at most maxSide (a
// fast bilinear reduction, good enough for a screen copy), or img itself.
// It writes *image.RGBA: x/image/draw's fast paths exist only for that
// destination (an *image.NRGBA one goes pixel by pixel, 20 times slower).
func shrink(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	w, h := displaySize(b.Dx(), b.Dy(), maxSide)
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	photo.Scale(dst, img)
	return dst
}

// asNRGBA returns img as an *image.NRGBA with origin (0, 0). An opaque
// *image.RGBA (every photo decoded from a JPEG) has the same bytes in both
// layouts, so it is re-labelled without copying; anything else is converted.
func asNRGBA(img image.Image) *image.NRGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) && r.Opaque() {
		return &image.NRGBA{Pix: r.Pix, Stride: r.Stride, Rect: r.Rect}
	}
	return photo.ToNRGBA(img)
}

// baseName is the name shown for a path.
func baseName(path string) string { return filepath.Base(path) }
