package pdq

import (
	"fmt"
	"image"
	"math"
	"slices"
)

// Size is the side of the image PDQ works on: larger images are first
// reduced to exactly Size×Size by nearest neighbour, as the reference does.
const Size = 512

// Result is what one PDQ computation gives.
type Result struct {
	Hash    Hash
	Quality int // 0..100; below MinQuality services discard the hash
	// Dihedral holds the hashes of the eight transforms (see DihedralNames),
	// filled only when asked for, as the reference's --pdqdih prints them.
	Dihedral []Hash
	// DihedralQuality is the quality the reference prints with them. Both
	// equal Hash and Quality except for a picture of exactly 64x64 pixels:
	// the reference's plain hash takes those pixels as they are, while its
	// dihedral hashes still run them through the box filter (window 1, but
	// a float running sum), which can change the bits.
	DihedralQuality int
}

// HashImage returns the PDQ hash of img and its quality, exactly as the
// reference computes them from the same pixels: images over 512 pixels on a
// side are reduced by nearest neighbour, alpha is ignored (straight RGB is
// used, not blended), and the greyscale path is taken when every pixel has
// R=G=B. Images smaller than 5×5 give ErrTooSmall.
func HashImage(img image.Image) (Hash, int, error) {
	r, err := Compute(img, IsGrey(img), false)
	return r.Hash, r.Quality, err
}

// Dihedral returns the eight dihedral hashes of img (orig, rot90, rot180,
// rot270, flipx, flipy, flipp, flipm) from one computation, and their
// quality, as the reference's --pdqdih prints them.
// They are close to, but not always exactly, the hashes of the transformed
// images.
func Dihedral(img image.Image) ([8]Hash, int, error) {
	var out [8]Hash
	r, err := Compute(img, IsGrey(img), true)
	if err == nil {
		copy(out[:], r.Dihedral)
	}
	return out, r.DihedralQuality, err
}

// Compute runs PDQ on img, which may be a nearest-neighbour sample already
// (see photo.SampleJPEG). grey selects the reference's greyscale luma path
// and must say whether every pixel of the whole original picture has R=G=B,
// which a sample alone cannot tell.
func Compute(img image.Image, grey, dihedral bool) (Result, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < MinSide || h < MinSide {
		return Result{}, fmt.Errorf("image is %dx%d pixels: %w (at least %dx%d)", w, h, ErrTooSmall, MinSide, MinSide)
	}
	ow, oh := w, h
	if w > Size || h > Size {
		ow, oh = Size, Size
	}
	buf := make([]float32, 2*ow*oh)
	luma, tmp := buf[:ow*oh], buf[ow*oh:]
	fillLuma(luma, img, ow, oh, grey)
	var a [64 * 64]float32
	as64 := reduce(luma, tmp, oh, ow, &a)
	q := quality(&a)
	var c [16 * 16]float32
	dct(&a, &c)
	res := Result{Hash: bitsOf(&c), Quality: q}
	if dihedral {
		res.DihedralQuality = q
		if as64 {
			// Its dihedral hashes do not skip it (pdqDihedralHash256esFromFloatLuma).
			jarosz(luma, tmp, oh, ow)
			decimate(luma, oh, ow, &a)
			res.DihedralQuality = quality(&a)
			dct(&a, &c)
		}
		res.Dihedral = make([]Hash, 8)
		var t [16 * 16]float32
		for k := range 8 {
			transform(&c, &t, k)
			res.Dihedral[k] = bitsOf(&t)
		}
	}
	return res, nil
}

// reduce brings the rows×cols luma down to 64x64 in a, as the reference's
// pdqFloat256FromFloatLuma does: box filter and decimate, except that a
// 64x64 input is taken as it is (it reports that case). luma and tmp are
// overwritten.
func reduce(luma, tmp []float32, rows, cols int, a *[64 * 64]float32) (as64 bool) {
	if rows == 64 && cols == 64 {
		copy(a[:], luma)
		return true
	}
	jarosz(luma, tmp, rows, cols)
	decimate(luma, rows, cols, a)
	return false
}

// boxWindow is the reference's Jarosz window for reducing n samples to 64.
func boxWindow(n int) int { return (n + 2*64 - 1) / (2 * 64) }

// jarosz applies the reference's two passes of box filtering (along rows,
// then columns) to buf (rows×cols), using tmp as scratch; the result is in buf.
func jarosz(buf, tmp []float32, rows, cols int) {
	wr, wc := boxWindow(cols), boxWindow(rows)
	for range 2 {
		for i := 0; i < rows; i++ {
			box(buf[i*cols:], tmp[i*cols:], cols, 1, wr)
		}
		boxCols(tmp, buf, rows, cols, wc)
	}
}

// boxCols is box along every column at once, row by row: each column sees
// exactly the operations, in the same order, that box would apply to it
// alone (so the float32 results are identical), but memory is read in order
// and the columns' independent sums keep the CPU busy.
func boxCols(in, out []float32, rows, cols, win int) {
	half := (win + 2) / 2
	sum := make([]float32, cols)
	size := 0
	ri, li, oi := 0, 0, 0
	add := func(r int) {
		row := in[r*cols : (r+1)*cols]
		for j, v := range row {
			sum[j] += v
		}
	}
	sub := func(r int) {
		row := in[r*cols : (r+1)*cols]
		for j, v := range row {
			sum[j] -= v
		}
	}
	emit := func(o int) {
		row := out[o*cols : (o+1)*cols]
		n := float32(size)
		for j := range row {
			row[j] = sum[j] / n
		}
	}
	for range half - 1 {
		add(ri)
		size++
		ri++
	}
	for range win - half + 1 {
		add(ri)
		size++
		emit(oi)
		ri++
		oi++
	}
	for range rows - win {
		add(ri)
		sub(li)
		emit(oi)
		li++
		ri++
		oi++
	}
	for range half - 1 {
		sub(li)
		size--
		emit(oi)
		li++
		oi++
	}
}

// box is a running mean over a window of size win along n samples spaced
// stride apart, centred (the extra sample of an even window falls on the
// right), shrinking at both ends. The running float32 sum is updated in the
// reference's order, which the result depends on.
func box(in, out []float32, n, stride, win int) {
	half := (win + 2) / 2
	var sum float32
	size := 0
	ri, li, oi := 0, 0, 0
	// Lead-in: fill the window's right half without writing.
	for range half - 1 {
		sum += in[ri]
		size++
		ri += stride
	}
	// Growing window at the left edge.
	for range win - half + 1 {
		sum += in[ri]
		size++
		out[oi] = sum / float32(size)
		ri += stride
		oi += stride
	}
	// Full window.
	for range n - win {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / float32(size)
		li += stride
		ri += stride
		oi += stride
	}
	// Shrinking window at the right edge.
	for range half - 1 {
		sum -= in[li]
		size--
		out[oi] = sum / float32(size)
		li += stride
		oi += stride
	}
}

// decimate picks the 64x64 samples at the window centres.
func decimate(in []float32, rows, cols int, out *[64 * 64]float32) {
	for i := 0; i < 64; i++ {
		ii := int((float64(i) + 0.5) * float64(rows) / 64)
		for j := 0; j < 64; j++ {
			jj := int((float64(j) + 0.5) * float64(cols) / 64)
			out[i*64+j] = in[ii*cols+jj]
		}
	}
}

// quality is the reference's gradient-sum score, 0..100.
func quality(a *[64 * 64]float32) int {
	sum := 0
	step := func(u, v float32) {
		d := int(float32(float32(u-v)*100) / 255)
		if d < 0 {
			d = -d
		}
		sum += d
	}
	for i := 0; i < 63; i++ {
		for j := 0; j < 64; j++ {
			step(a[i*64+j], a[(i+1)*64+j])
		}
	}
	for i := 0; i < 64; i++ {
		for j := 0; j < 63; j++ {
			step(a[i*64+j], a[i*64+j+1])
		}
	}
	return min(sum/90, 100)
}

// dctMatrix is the 16x64 partial DCT-II basis (frequencies 1..16; DC is left
// out), built as the reference builds it: the scale sqrt(2/64) is a float32
// constant there, so it is rounded to float32 first; its product with the
// float64 cosine is then rounded to float32. Keeping the scale in float64
// puts 112 of the 1024 entries one ulp off, and on flat or striped pictures,
// whose coefficients are all rounding noise, that moves up to 96 bits.
var dctMatrix = func() (d [16 * 64]float32) {
	scale := float64(float32(math.Sqrt(2.0 / 64.0)))
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			d[i*64+j] = float32(scale * math.Cos(math.Pi/2/64.0*float64(i+1)*float64(2*j+1)))
		}
	}
	return d
}()

// dct computes C = D·A·Dᵀ in float32, summing k in increasing order. Every
// product is rounded on its own (float32(...)) so that no platform fuses it
// into a multiply-add, which would change the low bits.
func dct(a *[64 * 64]float32, c *[16 * 16]float32) {
	var t [16 * 64]float32
	d := &dctMatrix
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			var s float32
			for k := 0; k < 64; k++ {
				s += float32(d[i*64+k] * a[k*64+j])
			}
			t[i*64+j] = s
		}
	}
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			var s float32
			for k := 0; k < 64; k++ {
				s += float32(t[i*64+k] * d[j*64+k])
			}
			c[i*16+j] = s
		}
	}
}

// bitsOf sets bit j of word i where coefficient [i][j] is strictly above the
// median (the 128th smallest of the 256, as the reference's Torben median).
func bitsOf(c *[16 * 16]float32) Hash {
	s := make([]float32, 256)
	copy(s, c[:])
	slices.Sort(s)
	med := s[127]
	var h Hash
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			if c[i*16+j] > med {
				h[i] |= 1 << j
			}
		}
	}
	return h
}
