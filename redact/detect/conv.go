package detect

import (
	"fmt"
	"math"
)

// conv is an ONNX Conv (NCHW, batch 1) in one of three forms: pointwise (1x1,
// stride 1, no padding: a plain matrix multiply), depthwise (one input channel
// per group: a direct stencil), or general (im2col into a scratch matrix, then
// the same matrix multiply per group).
type conv struct {
	cin, h, w      int
	cout, kh, kw   int
	sh, sw         int
	pt, pl, pb, pr int
	dh, dw         int
	group          int
	oh, ow         int
	weight, bias   []float32
	relu           bool
	col            [][]float32 // im2col scratch per worker (general form only)
}

func newConv(n node, x, wt *value, bias []float32, relu bool) (*conv, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("Conv node %q: %s", n.name, fmt.Sprintf(format, a...))
	}
	if len(x.shape) != 4 || x.shape[0] != 1 || x.buf < 0 {
		return nil, bad("input shape %v: want a 1xCxHxW tensor", x.shape)
	}
	if len(wt.shape) != 4 || wt.konst == nil || len(wt.konst) != wt.size() {
		return nil, bad("weights must be a constant 4-D tensor")
	}
	c := &conv{cin: x.shape[1], h: x.shape[2], w: x.shape[3], cout: wt.shape[0], kh: wt.shape[2], kw: wt.shape[3], weight: wt.konst, relu: relu}
	c.group = 1
	if g, ok := n.attrs["group"]; ok {
		if g.i < 1 || g.i > int64(c.cin) {
			return nil, bad("bad group %d", g.i)
		}
		c.group = int(g.i)
	}
	if c.cin%c.group != 0 || c.cout%c.group != 0 || wt.shape[1] != c.cin/c.group {
		return nil, bad("weights %v do not fit %d input channels in %d groups", wt.shape, c.cin, c.group)
	}
	if bias != nil && len(bias) != c.cout {
		return nil, bad("bias has %d values for %d channels", len(bias), c.cout)
	}
	if bias == nil {
		bias = make([]float32, c.cout)
	}
	c.bias = bias
	c.sh, c.sw, c.dh, c.dw = 1, 1, 1, 1
	if s := n.attrs["strides"].ints; len(s) == 2 {
		c.sh, c.sw = int(s[0]), int(s[1])
	} else if len(s) != 0 {
		return nil, bad("strides %v", s)
	}
	if d := n.attrs["dilations"].ints; len(d) == 2 {
		c.dh, c.dw = int(d[0]), int(d[1])
	} else if len(d) != 0 {
		return nil, bad("dilations %v", d)
	}
	if p := n.attrs["pads"].ints; len(p) == 4 {
		c.pt, c.pl, c.pb, c.pr = int(p[0]), int(p[1]), int(p[2]), int(p[3])
	} else if len(p) != 0 {
		return nil, bad("pads %v", p)
	}
	if a := n.attrs["auto_pad"].s; a != "" && a != "NOTSET" {
		return nil, bad("auto_pad %q is not supported", a)
	}
	for _, v := range []int{c.sh, c.sw, c.dh, c.dw, c.kh, c.kw} {
		if v < 1 || v > 64 {
			return nil, bad("kernel, stride or dilation %d out of range", v)
		}
	}
	for _, v := range []int{c.pt, c.pl, c.pb, c.pr} {
		if v < 0 || v > 64 {
			return nil, bad("padding %d out of range", v)
		}
	}
	ekh, ekw := (c.kh-1)*c.dh+1, (c.kw-1)*c.dw+1
	if c.h+c.pt+c.pb < ekh || c.w+c.pl+c.pr < ekw {
		return nil, bad("input %dx%d smaller than the kernel", c.w, c.h)
	}
	c.oh = (c.h+c.pt+c.pb-ekh)/c.sh + 1
	c.ow = (c.w+c.pl+c.pr-ekw)/c.sw + 1
	if k := c.cin / c.group * c.kh * c.kw; c.kind() == convGeneral {
		if k*c.ow > 1<<22 {
			return nil, bad("kernel too large")
		}
		c.col = make([][]float32, maxWorkers)
	}
	return c, nil
}

func (c *conv) outShape() []int { return []int{1, c.cout, c.oh, c.ow} }

const (
	convPointwise = iota
	convDepthwise
	convGeneral
)

func (c *conv) kind() int {
	switch {
	case c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pt+c.pl+c.pb+c.pr == 0 && c.group == 1:
		return convPointwise
	case c.group == c.cin && c.cout == c.cin:
		return convDepthwise
	}
	return convGeneral
}

// steps returns the work to compute o from x.
func (c *conv) steps(name string, x, o []float32) []step {
	p := c.oh * c.ow
	switch c.kind() {
	case convPointwise:
		return []step{{name: name, units: p, cost: c.cout * c.cin, run: func(_, lo, hi int) {
			gemm(c.cout, c.cin, c.weight, x, p, o, p, c.bias, c.relu, lo, hi)
		}}}
	case convDepthwise:
		return []step{{name: name, units: c.cout * c.oh, cost: c.ow * c.kh * c.kw, run: func(_, lo, hi int) {
			c.depthwise(x, o, lo, hi)
		}}}
	}
	// General form: output rows in bands, each band's im2col matrix in a
	// per-worker scratch small enough to stay in cache, then one matrix
	// multiply per group.
	cg, og := c.cin/c.group, c.cout/c.group
	k := cg * c.kh * c.kw
	band := max(1, (64<<10)/(k*c.ow))
	return []step{{name: name, units: c.oh, cost: c.ow * c.cout * k, run: func(w, lo, hi int) {
		// Each worker index is used by one goroutine at a time, and the
		// slice itself is fixed at compile time, so this is race-free.
		if c.col[w] == nil {
			c.col[w] = make([]float32, k*band*c.ow)
		}
		col := c.col[w]
		for y0 := lo; y0 < hi; y0 += band {
			n := min(band, hi-y0) * c.ow
			for g := range c.group {
				c.im2col(x, col[:k*n], g*cg, y0, n)
				og0 := g * og
				gemm(og, k, c.weight[og0*k:(og0+og)*k], col, n, o[og0*p+y0*c.ow:], p, c.bias[og0:], c.relu, 0, n)
			}
		}
	}}}
}

// im2col fills col (k rows of n pixels, n a whole number of output rows
// from row y0) for the input channels from ci0: row r = (ci, ky, kx) holds
// the input pixel each output pixel sees through that tap (0 in the padding).
func (c *conv) im2col(x, col []float32, ci0, y0, n int) {
	rows := n / c.ow
	k := len(col) / n
	for r := range k {
		ci, t := ci0+r/(c.kh*c.kw), r%(c.kh*c.kw)
		ky, kx := t/c.kw, t%c.kw
		dst := col[r*n : (r+1)*n]
		src := x[ci*c.h*c.w : (ci+1)*c.h*c.w]
		for j := range rows {
			oy := y0 + j
			iy := oy*c.sh - c.pt + ky*c.dh
			row := dst[j*c.ow : (j+1)*c.ow]
			if iy < 0 || iy >= c.h {
				clear(row)
				continue
			}
			in := src[iy*c.w : (iy+1)*c.w]
			ix := -c.pl + kx*c.dw
			for ox := range row {
				if ix >= 0 && ix < c.w {
					row[ox] = in[ix]
				} else {
					row[ox] = 0
				}
				ix += c.sw
			}
		}
	}
}

// depthwise computes output rows [lo, hi) (unit = channel*oh + row).
func (c *conv) depthwise(x, o []float32, lo, hi int) {
	for u := lo; u < hi; u++ {
		ch, oy := u/c.oh, u%c.oh
		wk := c.weight[ch*c.kh*c.kw : (ch+1)*c.kh*c.kw]
		src := x[ch*c.h*c.w : (ch+1)*c.h*c.w]
		dst := o[u*c.ow : (u+1)*c.ow]
		b := c.bias[ch]
		if c.kh == 3 && c.kw == 3 && c.sh == 1 && c.sw == 1 && c.dh == 1 && c.dw == 1 && c.pt == 1 && c.pl == 1 && c.ow == c.w && c.ow >= 2 {
			if dw3x3Row(src, c.h, c.w, oy, wk, b, dst, c.relu) {
				continue // relu applied
			}
		} else {
			c.dwGeneric(src, wk, b, oy, dst)
		}
		if c.relu {
			for j, v := range dst {
				dst[j] = max(v, 0)
			}
		}
	}
}

func (c *conv) dwGeneric(src, wk []float32, b float32, oy int, dst []float32) {
	for ox := range dst {
		s := b
		for ky := range c.kh {
			iy := oy*c.sh - c.pt + ky*c.dh
			if iy < 0 || iy >= c.h {
				continue
			}
			for kx := range c.kw {
				ix := ox*c.sw - c.pl + kx*c.dw
				if ix < 0 || ix >= c.w {
					continue
				}
				s += wk[ky*c.kw+kx] * src[iy*c.w+ix]
			}
		}
		dst[ox] = s
	}
}

// dw3x3Row computes one output row of a 3x3, stride 1, pad 1 depthwise conv
// with a sliding window, so each input value is loaded once per row. The sum
// order (row by row, left to right) matches the generic path.
//
// It reports whether it applied relu itself (the vector path does).
func dw3x3Row(src []float32, h, w, y int, k []float32, b float32, dst []float32, relu bool) bool {
	var r0, r1, r2 []float32
	r1 = src[y*w : (y+1)*w]
	k0, k1, k2, k3, k4, k5, k6, k7, k8 := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8]
	if y > 0 {
		r0 = src[(y-1)*w : y*w]
	} else {
		// Top edge: the zero padding row contributes nothing.
		k0, k1, k2 = 0, 0, 0
	}
	if y+1 < h {
		r2 = src[(y+1)*w : (y+2)*w]
	} else {
		k6, k7, k8 = 0, 0, 0
	}
	if r0 == nil {
		r0 = r1
	}
	if r2 == nil {
		r2 = r1
	}
	r0, r1, r2, dst = r0[:w], r1[:w], r2[:w], dst[:w]
	if useAsm && w >= 10 {
		// Vector columns [1, 1+8n); the scalar loop below handles both edges
		// and the ragged right end.
		n := (w - 2) / 8
		kk := [9]float32{k0, k1, k2, k3, k4, k5, k6, k7, k8}
		r := 0
		if relu {
			r = 1
		}
		dw3x3AVX(n, &r0[1], &r1[1], &r2[1], &kk, b, &dst[1], r)
		lo := float32(math.Inf(-1))
		if relu {
			lo = 0
		}
		dst[0] = max(lo, b+k1*r0[0]+k2*r0[1]+k4*r1[0]+k5*r1[1]+k7*r2[0]+k8*r2[1])
		for x := 1 + 8*n; x < w; x++ {
			s := b + k0*r0[x-1] + k1*r0[x] + k3*r1[x-1] + k4*r1[x] + k6*r2[x-1] + k7*r2[x]
			if x+1 < w {
				s += k2*r0[x+1] + k5*r1[x+1] + k8*r2[x+1]
			}
			dst[x] = max(lo, s)
		}
		return true
	}
	// Columns x-1, x, x+1 of the three rows.
	var a0, a1, a2 float32 // x-1 (zero padding at the left edge)
	b0, b1, b2 := r0[0], r1[0], r2[0]
	for x := 0; x < w-1; x++ {
		c0, c1, c2 := r0[x+1], r1[x+1], r2[x+1]
		dst[x] = b + k0*a0 + k1*b0 + k2*c0 + k3*a1 + k4*b1 + k5*c1 + k6*a2 + k7*b2 + k8*c2
		a0, a1, a2 = b0, b1, b2
		b0, b1, b2 = c0, c1, c2
	}
	dst[w-1] = b + k0*a0 + k1*b0 + k3*a1 + k4*b1 + k6*a2 + k7*b2
	return false
}
