package photo

import (
	"errors"
	"image"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// scaleBands bounds how many goroutines one resample is split into.
const scaleBands = 4

// Scale resamples all of src (its bounds) onto all of dst with
// x/image/draw's ApproxBiLinear, splitting dst into bands of rows resampled
// on all cores. Opening a photo shrinks it before anything is shown, while
// the UI is starting on the other core, so a one-core resample was wall time
// the user waited for. The pixels are those of one Scale call over the whole
// of dst: x/image/draw maps each destination pixel from dst's full rectangle
// alone, and a band only clips which pixels are written.
func Scale(dst *image.RGBA, src image.Image) {
	dr, sr := dst.Bounds(), src.Bounds()
	_ = inBands(dr.Dy(), func(y0, y1 int) error {
		band := image.Rect(dr.Min.X, dr.Min.Y+y0, dr.Max.X, dr.Min.Y+y1)
		draw.ApproxBiLinear.Scale(dst.SubImage(band).(*image.RGBA), dr, src, sr, draw.Src, nil)
		return nil
	})
}

// inBands calls f for bands [y0, y1) covering rows [0, h), on all cores,
// and joins their errors.
func inBands(h int, f func(y0, y1 int) error) error {
	n := min(scaleBands, runtime.GOMAXPROCS(0), h)
	if n <= 1 {
		return f(0, h)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(h*i/n, h*(i+1)/n) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
