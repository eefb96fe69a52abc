package pdq

import (
	"errors"
	"image"
	"testing"
)

// rgb24 packs img's pixels as RGB24 rows of stride bytes (padding filled
// with junk, which must not be read).
func rgb24(img *image.NRGBA, stride int) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := make([]byte, stride*h)
	for i := range out {
		out[i] = 0xA5
	}
	for y := range h {
		for x := range w {
			o := img.PixOffset(x, y)
			copy(out[y*stride+3*x:], img.Pix[o:o+3])
		}
	}
	return out
}

// TestFrameHasherMatchesColourPath checks that, at sizes PDQ does not
// reduce, a frame hashes exactly as the same picture through Compute's
// colour path, whatever the row padding, and that a grey frame still takes
// the colour path (vPDQ always does).
func TestFrameHasherMatchesColourPath(t *testing.T) {
	var fh FrameHasher
	for _, sz := range [][2]int{{512, 512}, {320, 240}, {64, 64}, {97, 13}, {5, 5}} {
		img := scene(sz[0], sz[1], uint64(sz[0]))
		want, err := Compute(img, false, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, pad := range []int{0, 5} {
			stride := 3*sz[0] + pad
			h, q, err := fh.HashRGB24(rgb24(img, stride), sz[0], sz[1], stride)
			if err != nil {
				t.Fatal(err)
			}
			if h != want.Hash || q != want.Quality {
				t.Errorf("%dx%d stride %d: %s q%d, want %s q%d", sz[0], sz[1], stride, h, q, want.Hash, want.Quality)
			}
		}
	}
	grey := scene(200, 150, 3)
	for i := 0; i < len(grey.Pix); i += 4 {
		grey.Pix[i+1], grey.Pix[i+2] = grey.Pix[i], grey.Pix[i]
	}
	colour, _ := Compute(grey, false, false)
	h, _, err := fh.HashRGB24(rgb24(grey, 600), 200, 150, 600)
	if err != nil || h != colour.Hash {
		t.Errorf("grey frame: %s (%v), want the colour path's %s", h, err, colour.Hash)
	}
}

// TestFrameHasherNoReduction checks that a frame over 512 pixels is hashed
// at its full size: it differs from the photo path, which reduces it.
func TestFrameHasherNoReduction(t *testing.T) {
	img := scene(1280, 720, 9)
	var fh FrameHasher
	h, _, err := fh.HashRGB24(rgb24(img, 3*1280), 1280, 720, 3*1280)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := Compute(img, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if h == photo.Hash {
		t.Error("frame over 512 px hashed like a photo (reduced to 512x512)")
	}
	if d := Distance(h, photo.Hash); d > MatchThreshold {
		t.Errorf("full-size and reduced hashes of one picture are %d bits apart", d)
	}
	// Reusing the hasher on a smaller frame gives a fresh hasher's answer.
	small := scene(100, 80, 2)
	var fresh FrameHasher
	a, _, _ := fh.HashRGB24(rgb24(small, 300), 100, 80, 300)
	b, _, _ := fresh.HashRGB24(rgb24(small, 300), 100, 80, 300)
	if a != b {
		t.Errorf("reused hasher: %s, fresh: %s", a, b)
	}
}

func TestFrameHasherBadInput(t *testing.T) {
	var fh FrameHasher
	if _, _, err := fh.HashRGB24(make([]byte, 4*4*3), 4, 4, 12); !errors.Is(err, ErrTooSmall) {
		t.Errorf("4x4 frame: %v, want ErrTooSmall", err)
	}
	if _, _, err := fh.HashRGB24(make([]byte, 100), 10, 10, 30); err == nil {
		t.Error("short buffer accepted")
	}
	if _, _, err := fh.HashRGB24(make([]byte, 300), 10, 10, 20); err == nil {
		t.Error("stride shorter than a row accepted")
	}
}

// BenchmarkFrameHasher1080p is vPDQ's per-frame cost at full HD.
func BenchmarkFrameHasher1080p(b *testing.B) {
	img := scene(1920, 1080, 1)
	pix := rgb24(img, 3*1920)
	var fh FrameHasher
	b.SetBytes(int64(len(pix)))
	for b.Loop() {
		fh.HashRGB24(pix, 1920, 1080, 3*1920)
	}
}
