//go:build cgo && !windows && !embeddedheif

package photo

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/heiftest"
)

// channelDiff is the mean and largest absolute difference per channel
// (R, G, B, A) between two pictures of the same size.
func channelDiff(t *testing.T, a, b image.Image) (mean float64, most int) {
	t.Helper()
	p, q := ToNRGBA(a), ToNRGBA(b)
	if p.Rect != q.Rect {
		t.Fatalf("sizes differ: %v and %v", p.Rect, q.Rect)
	}
	var sum int
	for y := range p.Rect.Dy() {
		for i := range 4 * p.Rect.Dx() {
			d := int(p.Pix[y*p.Stride+i]) - int(q.Pix[y*q.Stride+i])
			d = max(d, -d)
			sum += d
			most = max(most, d)
		}
	}
	return float64(sum) / float64(len(p.Pix)), most
}

// comparePreviews checks that the fast path takes b and that its preview
// at side is within rounding of libheif's picture resampled the same way.
func comparePreviews(t *testing.T, b []byte, side int) {
	t.Helper()
	cfg, err := heifConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	w, h := previewSize(cfg.Width, cfg.Height, side)
	fast, ok, err := previewYCbCr(b, w, h)
	if !ok || err != nil {
		t.Fatalf("the fast path did not take the file (taken %v, err %v)", ok, err)
	}
	ref, err := previewLibheif(b, w, h)
	if err != nil {
		t.Fatal(err)
	}
	mean, most := channelDiff(t, fast, ref)
	t.Logf("%dx%d: mean difference %.3f, largest %d", w, h, mean, most)
	// Only a tie rounded the other way in the conversion differs.
	if mean > 0.05 || most > 1 {
		t.Errorf("%dx%d: mean difference %.3f, largest %d from libheif's picture resampled", w, h, mean, most)
	}
}

// TestPreviewYCbCrMatchesLibheif: the preview of a grid made from the YCbCr
// planes equals libheif's RGB picture resampled, up to rounding, for grids
// that crop their tiles, for every rotation, and (with ../shared) for the
// phone photos.
func TestPreviewYCbCrMatchesLibheif(t *testing.T) {
	for _, side := range []int{250, 100, 17} {
		comparePreviews(t, tileFile(t, 2, 3, 250, 128).Bytes(), side)
	}
	for rot := range 4 {
		f := tileFile(t, 2, 2, 190, 120)
		f.Props = append(f.Props, []byte{0, 0, 0, 9, 'i', 'r', 'o', 't', byte(rot)})
		f.Items[0].Props = append(f.Items[0].Props, len(f.Props))
		comparePreviews(t, f.Bytes(), 150)
	}
	for name, b := range heifSamples(t) {
		if _, ok := planYCbCr(b); ok {
			t.Run(name, func(t *testing.T) { comparePreviews(t, b, 2560) })
		}
	}
}

// TestPreviewYCbCrLeavesOthers: files the fast path does not handle are
// left to libheif, which shows them as before.
func TestPreviewYCbCrLeavesOthers(t *testing.T) {
	for _, name := range []string{"small.heic", "alpha.heic", "deep.heic", "grey.heic", "small.avif"} {
		if _, ok := planYCbCr(readTestdata(t, name)); ok {
			t.Errorf("%s: taken by the fast path", name)
		}
	}
}

// blockColours are the colours of testdata/heif/blocks.png's four 32x32
// blocks (left to right, top to bottom).
var blockColours = []color.NRGBA{{0xd0, 0x20, 0x10, 255}, {0x20, 0xc0, 0x40, 255}, {0x10, 0x30, 0xe0, 255},
	{0x80, 0x80, 0x80, 255}}

// toYCbCr601 is the full-range BT.601 YCbCr that heif-enc coded c as.
func toYCbCr601(c color.NRGBA) (y, cb, cr float64) {
	r, g, b := float64(c.R), float64(c.G), float64(c.B)
	y = 0.299*r + 0.587*g + 0.114*b
	return y, (b-y)/1.772 + 128, (r-y)/1.402 + 128
}

// fromYCbCr is H.273's conversion with matrix coefficients kr, kb, in full
// or limited (16-235, 16-240) range.
func fromYCbCr(y, cb, cr, kr, kb float64, full bool) [3]float64 {
	if !full {
		y, cb, cr = (y-16)*255/219, (cb-128)*255/224+128, (cr-128)*255/224+128
	}
	kg := 1 - kr - kb
	r := y + 2*(1-kr)*(cr-128)
	b := y + 2*(1-kb)*(cb-128)
	return [3]float64{r, (y - kr*r - kb*b) / kg, b}
}

// TestPreviewYCbCrColours: a grid of tiles of known flat colours (coded by
// heif-enc, full-range BT.601 in the bitstream) previews in those colours;
// tiles whose nclx box says BT.709 limited range preview as that standard
// converts the same coded samples (the box wins over the bitstream, as in
// libheif).
func TestPreviewYCbCrColours(t *testing.T) {
	hvcC, data, err := heiftest.Tile(readTestdata(t, "blocks.heic"))
	if err != nil {
		t.Fatal(err)
	}
	bt709Limited := []byte{0, 0, 0, 19, 'c', 'o', 'l', 'r', 'n', 'c', 'l', 'x', 0, 1, 0, 1, 0, 1, 0}
	for _, tc := range []struct {
		name   string
		nclx   []byte
		kr, kb float64
		full   bool
	}{
		{"bitstream BT.601 full range", nil, 0.299, 0.114, true},
		{"box BT.709 limited range", bt709Limited, 0.2126, 0.0722, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := heiftest.Grid(hvcC, data, 64, 64, 2, 2, 128, 128)
			if tc.nclx != nil {
				f.Props = append(f.Props, tc.nclx)
				for i := 1; i < len(f.Items); i++ {
					f.Items[i].Props = append(f.Items[i].Props, len(f.Props))
				}
			}
			b := f.Bytes()
			m, ok, err := previewYCbCr(b, 64, 64)
			if !ok || err != nil {
				t.Fatalf("the fast path did not take the file (taken %v, err %v)", ok, err)
			}
			p := m.(*image.NRGBA)
			// Each 64x64 tile shrinks to 32x32: its blocks to 16x16.
			for ty := range 2 {
				for tx := range 2 {
					for i, c := range blockColours {
						x, y := 32*tx+16*(i%2)+8, 32*ty+16*(i/2)+8
						luma, cb, cr := toYCbCr601(c)
						want := fromYCbCr(luma, cb, cr, tc.kr, tc.kb, tc.full)
						got := p.NRGBAAt(x, y)
						for ch, g := range []uint8{got.R, got.G, got.B} {
							w := math.Round(min(255, max(0, want[ch])))
							if math.Abs(float64(g)-w) > 4 {
								t.Errorf("block %d at (%d,%d): %v, want about %.0f", i, x, y, got, want)
								break
							}
						}
					}
				}
			}
		})
	}
}

// TestPreviewYCbCrDamaged: a grid with a damaged tile fails on the fast path
// exactly when it fails through libheif (the same strict decoder), and the
// error reaches DecodePreview's caller as corrupt data.
func TestPreviewYCbCrDamaged(t *testing.T) {
	_, data := smallHEVC(t)
	failed := 0
	for i := 20; i < len(data); i += len(data) / 16 {
		f := tileFile(t, 2, 2, 190, 120)
		d := bytes.Clone(data)
		d[i] ^= 0x55
		f.Items[3].Data = d
		b := f.Bytes()
		_, libErr := previewLibheif(b, 95, 60)
		img, fmtErr := func() (image.Image, error) { m, _, err := DecodePreview(b, 95); return m, err }()
		if (libErr == nil) != (fmtErr == nil) {
			t.Errorf("byte %d flipped: libheif says %v, the fast path %v", i, libErr, fmtErr)
		}
		if fmtErr != nil {
			failed++
			if img != nil || !strings.HasPrefix(fmtErr.Error(), "corrupt heif") {
				t.Errorf("byte %d flipped: image %v, err %v", i, img != nil, fmtErr)
			}
		}
	}
	if failed < 10 {
		t.Errorf("only %d of 16 damaged files failed", failed)
	}
}

// TestPreviewYCbCrTimeLimit: the fast path honours the time limit, and the
// next decode works once the tile under way has finished.
func TestPreviewYCbCrTimeLimit(t *testing.T) {
	b := tileFile(t, 4, 4, 384, 256).Bytes()
	if _, ok := planYCbCr(b); !ok {
		t.Fatal("the fast path does not take the file")
	}
	defer func(d time.Duration) { heifTimeout = d }(heifTimeout)
	heifTimeout = time.Nanosecond
	_, _, err := DecodePreview(b, 100)
	if err == nil || !strings.Contains(err.Error(), "HEIF decoder") {
		t.Fatalf("err = %v, want the time limit", err)
	}
	heifTimeout = time.Minute
	if _, _, err := DecodePreview(b, 100); err != nil {
		t.Fatalf("after the time limit: %v", err)
	}
}
