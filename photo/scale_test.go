package photo

import (
	"bytes"
	"image"
	"math/rand/v2"
	"runtime"
	"testing"

	"golang.org/x/image/draw"
)

// TestScaleBandsMatchOneCall checks that resampling in bands of rows gives
// exactly the pixels of one x/image/draw call over the whole destination.
func TestScaleBandsMatchOneCall(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(1, 2))
	src := image.NewNRGBA(image.Rect(3, 5, 3+401, 5+299))
	for i := range src.Pix {
		src.Pix[i] = byte(rng.IntN(256))
	}
	for _, size := range []image.Point{{256, 191}, {37, 3}, {1, 1}, {400, 2}} {
		want := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		draw.ApproxBiLinear.Scale(want, want.Bounds(), src, src.Bounds(), draw.Src, nil)
		got := image.NewRGBA(want.Rect)
		Scale(got, src)
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%v: banded pixels differ from one call", size)
		}
	}
}
