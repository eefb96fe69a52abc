package inspect

import (
	"fmt"
	"image"
	"math"
	"strings"

	"codeberg.org/veil/veil/photo"
)

// Thumbnail comparison: an editor that crops or redacts the main image often
// leaves the embedded thumbnail as it was, so a thumbnail that does not look
// like the main image may show exactly what the user meant to hide.

const (
	sigSide     = 16   // signature grid
	previewSide = 64   // preview decoded for a signature
	maxThumb    = 2048 // larger embedded images are not decoded for comparison
	// thumbDiffers is the mean luma difference (0-255) above which a thumbnail
	// is said to differ; matching camera thumbnails of the corpus score 7 at
	// most (one squeezed 4:3 thumbnail 19), a thumbnail of other content 50 or more.
	thumbDiffers = 24.0
	// cellDiffers is the largest difference of one grid cell above which
	// a thumbnail is said to differ: matching thumbnails of the corpus stay
	// under 50, a blacked-out face in a typical photo covers a cell with 100
	// or more.
	cellDiffers = 80.0
	// aspectTolerance is the relative difference of aspect ratios taken
	// as a different framing (a crop).
	aspectTolerance = 0.08
)

// thumbSig is a small greyscale picture of an image, with its aspect ratio.
type thumbSig struct {
	px     [sigSide * sigSide]float64
	aspect float64
}

// mainSig returns the signature of the main image, computed once. Only JPEG
// main images are compared (their preview decode is cheap).
func (in *inspector) mainSig() *thumbSig {
	if in.sigDone {
		return in.sig
	}
	in.sigDone = true
	if photo.Sniff(in.file) != photo.JPEG {
		return nil
	}
	in.sig = thumbSignature(in.file, false)
	return in.sig
}

// thumbNote compares an embedded image with the main image and returns a
// phrase for the finding ("" when no comparison was possible).
func (in *inspector) thumbNote(thumb []byte) string {
	if in.file == nil || photo.Sniff(thumb) != photo.JPEG {
		return ""
	}
	m := in.mainSig()
	if m == nil {
		return ""
	}
	t := thumbSignature(thumb, true)
	if t == nil {
		return ""
	}
	var d, dmax float64
	for i := range t.px {
		c := math.Abs(t.px[i] - m.px[i])
		d += c
		dmax = max(dmax, c)
	}
	d /= float64(len(t.px))
	// A redacted face or a cropped edge changes a few cells a lot (dmax); a
	// different picture changes them all (d). Some cameras squeeze a 3:2
	// photo into a 4:3 thumbnail, so the grids are compared stretched and the
	// shape alone proves nothing.
	if d > thumbDiffers || dmax > cellDiffers {
		if r := t.aspect / m.aspect; math.Abs(r-1) > aspectTolerance {
			return fmt.Sprintf("DIFFERENT FRAMING from the main image: it may show what was cropped away (difference %.0f/255, up to %.0f)", d, dmax)
		}
		return fmt.Sprintf("DIFFERS from the main image: it may show what was edited out (difference %.0f/255, up to %.0f)", d, dmax)
	}
	return "resembles the main image at thumbnail size (small edits may not show)"
}

// thumbSignature decodes a small preview of the image in b and reduces it to
// a greyscale grid. trim removes the black bars cameras add to fit a
// thumbnail into 160x120. It returns nil when the image cannot be read.
func thumbSignature(b []byte, trim bool) (s *thumbSig) {
	defer func() {
		if recover() != nil {
			s = nil
		}
	}()
	cfg, _, err := photo.Config(b)
	if err != nil || (trim && (cfg.Width > maxThumb || cfg.Height > maxThumb)) {
		return nil
	}
	img, _, err := photo.DecodePreview(b, previewSide)
	if err != nil {
		return nil
	}
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if w < 2 || h < 2 {
		return nil
	}
	luma := lumaOf(img)
	box := image.Rect(0, 0, w, h)
	if trim {
		box = trimBars(luma, w, h)
	}
	bw, bh := box.Dx(), box.Dy()
	if bw < 2 || bh < 2 {
		return nil
	}
	s = &thumbSig{aspect: float64(bw) / float64(bh)}
	// Box-average each grid cell.
	for gy := 0; gy < sigSide; gy++ {
		y0, y1 := box.Min.Y+gy*bh/sigSide, box.Min.Y+(gy+1)*bh/sigSide
		y1 = max(y1, y0+1)
		for gx := 0; gx < sigSide; gx++ {
			x0, x1 := box.Min.X+gx*bw/sigSide, box.Min.X+(gx+1)*bw/sigSide
			x1 = max(x1, x0+1)
			var sum float64
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					sum += luma[y*w+x]
				}
			}
			s.px[gy*sigSide+gx] = sum / float64((y1-y0)*(x1-x0))
		}
	}
	return s
}

// trimBars returns the part of the picture inside uniform near-black
// rows and columns at its edges.
func trimBars(l []float64, w, h int) image.Rectangle {
	dark := func(x0, y0, x1, y1 int) bool {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if l[y*w+x] > 24 {
					return false
				}
			}
		}
		return true
	}
	r := image.Rect(0, 0, w, h)
	for r.Min.Y < r.Max.Y-2 && dark(0, r.Min.Y, w, r.Min.Y+1) {
		r.Min.Y++
	}
	for r.Max.Y > r.Min.Y+2 && dark(0, r.Max.Y-1, w, r.Max.Y) {
		r.Max.Y--
	}
	for r.Min.X < r.Max.X-2 && dark(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y) {
		r.Min.X++
	}
	for r.Max.X > r.Min.X+2 && dark(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y) {
		r.Max.X--
	}
	// A mostly dark picture is not letterboxed: keep it whole.
	if r.Dx()*r.Dy()*2 < w*h {
		return image.Rect(0, 0, w, h)
	}
	return r
}

// thumbNoteAt is thumbNote for a thumbnail found at where: only thumbnails of
// the file itself (not of embedded images) are compared with the main image.
func (in *inspector) thumbNoteAt(where string, thumb []byte) string {
	const hint = "may show the original, uncropped image"
	if strings.Contains(where, ": ") {
		return hint
	}
	if n := in.thumbNote(thumb); n != "" {
		return n
	}
	return hint
}

// lumaOf returns the luma of every pixel of img (0-255), row by row, with
// fast paths for the types previews come in.
func lumaOf(img image.Image) []float64 {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	l := make([]float64, w*h)
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			p := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				l[y*w+x] = 0.299*float64(p[4*x]) + 0.587*float64(p[4*x+1]) + 0.114*float64(p[4*x+2])
			}
		}
	case *image.NRGBA: // opaque: JPEG decodes have no alpha
		for y := 0; y < h; y++ {
			p := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				l[y*w+x] = 0.299*float64(p[4*x]) + 0.587*float64(p[4*x+1]) + 0.114*float64(p[4*x+2])
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			for x, v := range m.Pix[y*m.Stride : y*m.Stride+w] {
				l[y*w+x] = float64(v)
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				l[y*w+x] = float64(m.Y[m.YOffset(r.Min.X+x, r.Min.Y+y)])
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				cr, cg, cb, _ := img.At(r.Min.X+x, r.Min.Y+y).RGBA()
				l[y*w+x] = (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			}
		}
	}
	return l
}
