package detect

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Tiny ONNX models built here exercise the loader's checks and the
// interpreter's general paths without the real model.

type tnode struct {
	op      string
	in, out []string
	ints    map[string][]int64
	str     map[string]string
	i       map[string]int64
}

type tinit struct {
	name string
	dims []int64
	f    []float32
	i    []int64
}

func encTensor(t tinit) []byte {
	var b []byte
	for _, d := range t.dims {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	if t.f != nil {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, dtFloat)
		raw := make([]byte, 4*len(t.f))
		for k, v := range t.f {
			binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(v))
		}
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		b = protowire.AppendBytes(b, raw)
	} else {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, dtInt64)
		var packed []byte
		for _, v := range t.i {
			packed = protowire.AppendVarint(packed, uint64(v))
		}
		b = protowire.AppendTag(b, 7, protowire.BytesType)
		b = protowire.AppendBytes(b, packed)
	}
	b = protowire.AppendTag(b, 8, protowire.BytesType)
	return protowire.AppendString(b, t.name)
}

func encModel(nodes []tnode, inits []tinit, inputs, outputs []string) []byte {
	var g []byte
	for _, n := range nodes {
		var nb []byte
		for _, s := range n.in {
			nb = protowire.AppendTag(nb, 1, protowire.BytesType)
			nb = protowire.AppendString(nb, s)
		}
		for _, s := range n.out {
			nb = protowire.AppendTag(nb, 2, protowire.BytesType)
			nb = protowire.AppendString(nb, s)
		}
		nb = protowire.AppendTag(nb, 4, protowire.BytesType)
		nb = protowire.AppendString(nb, n.op)
		attr := func(name string, body []byte) {
			var a []byte
			a = protowire.AppendTag(a, 1, protowire.BytesType)
			a = protowire.AppendString(a, name)
			a = append(a, body...)
			nb = protowire.AppendTag(nb, 5, protowire.BytesType)
			nb = protowire.AppendBytes(nb, a)
		}
		for k, v := range n.ints {
			var body, packed []byte
			for _, x := range v {
				packed = protowire.AppendVarint(packed, uint64(x))
			}
			body = protowire.AppendTag(body, 8, protowire.BytesType)
			attr(k, protowire.AppendBytes(body, packed))
		}
		for k, v := range n.i {
			body := protowire.AppendTag(nil, 3, protowire.VarintType)
			attr(k, protowire.AppendVarint(body, uint64(v)))
		}
		for k, v := range n.str {
			body := protowire.AppendTag(nil, 4, protowire.BytesType)
			attr(k, protowire.AppendString(body, v))
		}
		g = protowire.AppendTag(g, 1, protowire.BytesType)
		g = protowire.AppendBytes(g, nb)
	}
	for _, t := range inits {
		g = protowire.AppendTag(g, 5, protowire.BytesType)
		g = protowire.AppendBytes(g, encTensor(t))
	}
	for _, s := range inputs {
		vi := protowire.AppendTag(nil, 1, protowire.BytesType)
		g = protowire.AppendTag(g, 11, protowire.BytesType)
		g = protowire.AppendBytes(g, protowire.AppendString(vi, s))
	}
	for _, s := range outputs {
		vi := protowire.AppendTag(nil, 1, protowire.BytesType)
		g = protowire.AppendTag(g, 12, protowire.BytesType)
		g = protowire.AppendBytes(g, protowire.AppendString(vi, s))
	}
	m := protowire.AppendTag(nil, 7, protowire.BytesType)
	return protowire.AppendBytes(m, g)
}

func randFloats(r *rand.Rand, n int) []float32 {
	f := make([]float32, n)
	for k := range f {
		f[k] = float32(r.NormFloat64())
	}
	return f
}

// tinyModel: a grouped strided conv (general path), max pool, upsample, add,
// depthwise conv with relu, a pointwise conv and sigmoid.
func tinyModel() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	return encModel([]tnode{
		{op: "Conv", in: []string{"input", "w0", "b0"}, out: []string{"c0"}, ints: map[string][]int64{"kernel_shape": {3, 3}, "strides": {2, 2}, "pads": {1, 1, 1, 1}}},
		{op: "Relu", in: []string{"c0"}, out: []string{"r0"}},
		{op: "Conv", in: []string{"r0", "w1"}, out: []string{"c1"}, ints: map[string][]int64{"kernel_shape": {3, 3}, "pads": {1, 1, 1, 1}}, i: map[string]int64{"group": 2}},
		{op: "MaxPool", in: []string{"c1"}, out: []string{"p1"}, ints: map[string][]int64{"kernel_shape": {2, 2}, "strides": {2, 2}}},
		{op: "Resize", in: []string{"p1", "roi", "scales"}, out: []string{"u1"}, str: map[string]string{"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}},
		{op: "Add", in: []string{"u1", "c1"}, out: []string{"a1"}},
		{op: "Conv", in: []string{"a1", "w2", "b2"}, out: []string{"c2"}, ints: map[string][]int64{"kernel_shape": {3, 3}, "pads": {1, 1, 1, 1}}, i: map[string]int64{"group": 4}},
		{op: "Relu", in: []string{"c2"}, out: []string{"r2"}},
		{op: "Conv", in: []string{"r2", "w3", "b3"}, out: []string{"c3"}, ints: map[string][]int64{"kernel_shape": {1, 1}}},
		{op: "Sigmoid", in: []string{"c3"}, out: []string{"out"}},
	}, []tinit{
		{name: "w0", dims: []int64{4, 3, 3, 3}, f: randFloats(r, 108)},
		{name: "b0", dims: []int64{4}, f: randFloats(r, 4)},
		{name: "w1", dims: []int64{4, 2, 3, 3}, f: randFloats(r, 72)},
		{name: "roi", dims: []int64{0}, f: []float32{}},
		{name: "scales", dims: []int64{4}, f: []float32{1, 1, 2, 2}},
		{name: "w2", dims: []int64{4, 1, 3, 3}, f: randFloats(r, 36)},
		{name: "b2", dims: []int64{4}, f: randFloats(r, 4)},
		{name: "w3", dims: []int64{5, 4, 1, 1}, f: randFloats(r, 20)},
		{name: "b3", dims: []int64{5}, f: randFloats(r, 5)},
	}, []string{"input"}, []string{"out"})
}

// naiveConv is a direct NCHW convolution, the reference for the tiny model.
func naiveConv(x []float32, c, h, w int, wt, bias []float32, cout, k, stride, pad, group int, relu bool) ([]float32, int, int) {
	oh, ow := (h+2*pad-k)/stride+1, (w+2*pad-k)/stride+1
	out := make([]float32, cout*oh*ow)
	cg, og := c/group, cout/group
	for o := range cout {
		g := o / og
		for y := range oh {
			for xx := range ow {
				s := float32(0)
				if bias != nil {
					s = bias[o]
				}
				for ci := range cg {
					for ky := range k {
						for kx := range k {
							iy, ix := y*stride-pad+ky, xx*stride-pad+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							s += wt[((o*cg+ci)*k+ky)*k+kx] * x[((g*cg+ci)*h+iy)*w+ix]
						}
					}
				}
				if relu {
					s = max(s, 0)
				}
				out[(o*oh+y)*ow+xx] = s
			}
		}
	}
	return out, oh, ow
}

func TestTinyModelMatchesNaive(t *testing.T) {
	m, err := parseModel(tinyModel())
	if err != nil {
		t.Fatal(err)
	}
	w := map[string][]float32{}
	for name, ts := range m.inits {
		w[name] = ts.f
	}
	for _, asm := range []bool{false, true} {
		for _, size := range [][2]int{{32, 32}, {24, 40}, {8, 72}} {
			h, wd := size[0], size[1]
			prev := setAsm(asm)
			p, err := compile(m, h, wd)
			if err != nil {
				t.Fatal(err)
			}
			// Inputs in 0..1 keep the random network's values near 1, where
			// float32 rounding (fused or not) stays far below the tolerance.
			x := synthInput(uint32(h*wd), h, wd)
			for k := range x {
				x[k] /= 255
			}
			copy(p.input, x)
			p.run(2)
			setAsm(prev)

			c0, h0, w0 := naiveConv(x, 3, h, wd, w["w0"], w["b0"], 4, 3, 2, 1, 1, true)
			c1, _, _ := naiveConv(c0, 4, h0, w0, w["w1"], nil, 4, 3, 1, 1, 2, false)
			a1 := make([]float32, len(c1))
			for ch := range 4 {
				for y := range h0 {
					for xx := range w0 {
						py, px := min(y/2, h0/2-1), min(xx/2, w0/2-1)
						p0 := c1[(ch*h0+2*py)*w0+2*px]
						p0 = max(p0, c1[(ch*h0+2*py)*w0+2*px+1], c1[(ch*h0+2*py+1)*w0+2*px], c1[(ch*h0+2*py+1)*w0+2*px+1])
						a1[(ch*h0+y)*w0+xx] = p0 + c1[(ch*h0+y)*w0+xx]
					}
				}
			}
			c2, _, _ := naiveConv(a1, 4, h0, w0, w["w2"], w["b2"], 4, 3, 1, 1, 4, true)
			c3, _, _ := naiveConv(c2, 4, h0, w0, w["w3"], w["b3"], 5, 1, 1, 0, 1, false)
			got := p.outputs[0]
			if len(got) != len(c3) {
				t.Fatalf("%dx%d: %d outputs, want %d", wd, h, len(got), len(c3))
			}
			for k := range c3 {
				want := float32(1 / (1 + math.Exp(-float64(c3[k]))))
				if d := math.Abs(float64(got[k] - want)); !(d < 1e-5) {
					t.Fatalf("asm=%v %dx%d: out[%d] = %g, want %g", asm, wd, h, k, got[k], want)
				}
			}
		}
	}
}

// TestGemmEdges compares the matrix multiply with the plain loop on ragged
// sizes (row counts not multiples of 4, columns not of 16, offsets).
func TestGemmEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, asm := range []bool{true, false} {
		prev := setAsm(asm)
		for _, c := range []struct{ m, k, n, lo, hi int }{
			{1, 1, 1, 0, 1}, {5, 3, 37, 0, 37}, {10, 64, 300, 16, 290}, {64, 27, 100, 3, 99}, {4, 600, 40, 0, 40}, {7, 16, 16, 0, 16},
		} {
			a, b := randFloats(r, c.m*c.k), randFloats(r, c.k*c.n)
			bias := randFloats(r, c.m)
			for _, relu := range []bool{false, true} {
				got := make([]float32, c.m*c.n)
				want := make([]float32, c.m*c.n)
				gemm(c.m, c.k, a, b, c.n, got, c.n, bias, relu, c.lo, c.hi)
				gemmSlow(c.m, c.k, a, b, c.n, want, c.n, bias, relu, c.lo, c.hi)
				for i := range want {
					if d := math.Abs(float64(got[i] - want[i])); d > 1e-4 {
						t.Fatalf("asm=%v %+v relu=%v: [%d] = %g, want %g", asm, c, relu, i, got[i], want[i])
					}
				}
			}
		}
		setAsm(prev)
	}
}

func TestLoadRejects(t *testing.T) {
	good := tinyModel()
	if _, err := newNetwork(good); err != nil {
		t.Fatalf("tiny model: %v", err)
	}
	bad := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("not a model at all"),
		"truncated": good[:len(good)/2],
		"wrong op": encModel([]tnode{{op: "LSTM", in: []string{"input"}, out: []string{"out"}}},
			nil, []string{"input"}, []string{"out"}),
		"short weights": encModel([]tnode{{op: "Conv", in: []string{"input", "w"}, out: []string{"out"}, ints: map[string][]int64{"kernel_shape": {1, 1}}}},
			[]tinit{{name: "w", dims: []int64{4, 3, 1, 1}, f: []float32{1, 2}}}, []string{"input"}, []string{"out"}),
		"huge dims": encModel([]tnode{{op: "Conv", in: []string{"input", "w"}, out: []string{"out"}}},
			[]tinit{{name: "w", dims: []int64{1 << 40, 1 << 40, 1, 1}, f: []float32{}}}, []string{"input"}, []string{"out"}),
		"bad group": encModel([]tnode{{op: "Conv", in: []string{"input", "w"}, out: []string{"out"}, i: map[string]int64{"group": 2}}},
			[]tinit{{name: "w", dims: []int64{4, 3, 1, 1}, f: make([]float32, 12)}}, []string{"input"}, []string{"out"}),
		"undefined input": encModel([]tnode{{op: "Relu", in: []string{"nowhere"}, out: []string{"out"}}},
			nil, []string{"input"}, []string{"out"}),
		"missing output": encModel([]tnode{{op: "Relu", in: []string{"input"}, out: []string{"r"}}},
			nil, []string{"input"}, []string{"out"}),
		"upsample bomb": encModel([]tnode{
			{op: "Resize", in: []string{"input", "roi", "s"}, out: []string{"a"}, str: map[string]string{"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}},
			{op: "Resize", in: []string{"a", "roi", "s"}, out: []string{"out"}, str: map[string]string{"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}},
		}, []tinit{{name: "roi", dims: []int64{0}, f: []float32{}}, {name: "s", dims: []int64{4}, f: []float32{1, 1, 16, 16}}}, []string{"input"}, []string{"out"}),
	}
	for name, b := range bad {
		if _, err := newNetwork(b); err == nil {
			t.Errorf("%s: loaded without error", name)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", name, err)
		}
	}
}

// headModel is YuNet's output head in miniature: a conv, then Transpose,
// Shape, Gather, Unsqueeze, Concat and Reshape to 1×(cells)×C, and Sigmoid.
func headModel() []byte {
	return encModel([]tnode{
		{op: "Conv", in: []string{"input", "w", "b"}, out: []string{"c"}, ints: map[string][]int64{"kernel_shape": {1, 1}}},
		{op: "Transpose", in: []string{"c"}, out: []string{"t"}, ints: map[string][]int64{"perm": {0, 2, 3, 1}}},
		{op: "Shape", in: []string{"c"}, out: []string{"s"}},
		{op: "Gather", in: []string{"s", "zero"}, out: []string{"n"}, i: map[string]int64{"axis": 0}},
		{op: "Unsqueeze", in: []string{"n"}, out: []string{"u"}, ints: map[string][]int64{"axes": {0}}},
		{op: "Concat", in: []string{"u", "minus1", "two"}, out: []string{"shape"}, i: map[string]int64{"axis": 0}},
		{op: "Reshape", in: []string{"t", "shape"}, out: []string{"r"}},
		{op: "Sigmoid", in: []string{"r"}, out: []string{"out"}},
	}, []tinit{
		{name: "w", dims: []int64{2, 3, 1, 1}, f: []float32{0.01, -0.02, 0.03, 0.005, 0, -0.01}},
		{name: "b", dims: []int64{2}, f: []float32{0.1, -0.1}},
		{name: "zero", dims: nil, i: []int64{0}},
		{name: "minus1", dims: []int64{1}, i: []int64{-1}},
		{name: "two", dims: []int64{1}, i: []int64{2}},
	}, []string{"input"}, []string{"out"})
}

func TestHeadModel(t *testing.T) {
	n, err := newNetwork(headModel())
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.get(4, 6)
	if err != nil {
		t.Fatal(err)
	}
	x := synthInput(9, 4, 6)
	copy(p.input, x)
	p.run(1)
	if got := p.outDims[0]; len(got) != 3 || got[0] != 1 || got[1] != 24 || got[2] != 2 {
		t.Fatalf("output shape %v, want [1 24 2]", got)
	}
	for cell := range 24 {
		for ch := range 2 {
			pre := []float32{0.1, -0.1}[ch]
			w := [][]float32{{0.01, -0.02, 0.03}, {0.005, 0, -0.01}}[ch]
			for ci := range 3 {
				pre += w[ci] * x[ci*24+cell]
			}
			want := 1 / (1 + math.Exp(-float64(pre)))
			if got := p.outputs[0][cell*2+ch]; math.Abs(float64(got)-want) > 1e-6 {
				t.Fatalf("cell %d channel %d: %g, want %g", cell, ch, got, want)
			}
		}
	}
}

// FuzzLoad feeds arbitrary bytes to the model loader; anything it accepts
// must also run. It must never panic or allocate without bound.
func FuzzLoad(f *testing.F) {
	// Small seeds covering every operator; the 323 KB real model (checked by
	// TestMatchesONNXRuntime) makes the fuzzer crawl when it minimises.
	f.Add(tinyModel())
	f.Add(headModel())
	f.Add(tinyModel()[:100])
	f.Add([]byte{0x3a, 0x05, 0x0a, 0x03, 'a', 'b', 'c'})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := newNetwork(b)
		if err != nil {
			return
		}
		p, err := n.get(64, 64)
		if err != nil {
			return
		}
		p.run(2)
	})
}

func TestDetectCancelled(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Detect(ctx, synthYCbCr(300, 200), DefaultOptions()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled detect: err = %v", err)
	}
}

// TestDetectConcurrent runs detections from several goroutines on one
// detector (run it with -race): results must equal a lone run's.
func TestDetectConcurrent(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	img := synthYCbCr(480, 360)
	opt := DefaultOptions()
	opt.Threshold = 0.05 // some detections, so there is something to compare
	want, err := d.Detect(context.Background(), img, opt)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := d.Detect(context.Background(), img, opt)
			if err != nil {
				t.Error(err)
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("concurrent run found %v, lone run %v", got, want)
			}
		}()
	}
	wg.Wait()
}

// TestPassGeometry checks that turned and mirrored passes see the pixels
// Detect maps back: a bright dot at a known place must come back to the
// same place.
func TestPassGeometry(t *testing.T) {
	src := &rgb8{w: 7, h: 5, pix: make([]uint8, 3*7*5)}
	px, py := 5, 1
	src.pix[3*(py*7+px)] = 255 // red at (5, 1)
	r := image.Rect(0, 0, 7, 5)
	for _, flip := range []bool{false, true} {
		for rot := range 4 {
			iw, ih := 7, 5
			if rot%2 == 1 {
				iw, ih = 5, 7
			}
			in := make([]float32, 3*iw*ih)
			fillInput(in, ih, iw, src, r, rot, flip)
			found := false
			for v := range ih {
				for u := range iw {
					if in[2*iw*ih+v*iw+u] == 255 { // red is the third (BGR) plane
						// The pixel's centre maps back to the dot's centre.
						x, y := unrotate(float32(u)+0.5, float32(v)+0.5, 7, 5, rot, flip)
						if x != float32(px)+0.5 || y != float32(py)+0.5 {
							t.Errorf("rot %d flip %v: pixel (%d,%d) maps to (%g,%g), want (%d.5,%d.5)", rot, flip, u, v, x, y, px, py)
						}
						found = true
					}
				}
			}
			if !found {
				t.Errorf("rot %d flip %v: dot lost", rot, flip)
			}
			// A mirrored pass is the turned pass mirrored: faces upright in
			// one are upright in the other.
			plain := make([]float32, len(in))
			fillInput(plain, ih, iw, src, r, rot, false)
			for v := range ih {
				for u := range iw {
					k, m := v*iw+u, v*iw+iw-1-u
					if flip && in[k] != plain[m] || !flip && in[k] != plain[k] {
						t.Fatalf("rot %d flip %v: pixel (%d,%d) is not the turned pass mirrored", rot, flip, u, v)
					}
				}
			}
		}
	}
}

// TestTilesCover checks that tiles cover the image and overlap enough for
// every face smaller than tileOverlap to lie wholly inside one tile.
func TestTilesCover(t *testing.T) {
	for _, s := range [][2]int{{801, 600}, {1920, 1440}, {2560, 1920}, {2560, 400}, {960, 961}} {
		ts := tiles(s[0], s[1])
		var union image.Rectangle
		for _, r := range ts {
			union = union.Union(r)
			if r.Dx() > tileSide || r.Dy() > tileSide || !r.In(image.Rect(0, 0, s[0], s[1])) {
				t.Errorf("%v: tile %v too big or outside", s, r)
			}
		}
		if union != image.Rect(0, 0, s[0], s[1]) {
			t.Errorf("%v: tiles cover %v", s, union)
		}
		for y := 0; y+tileOverlap <= s[1]; y += 37 {
			for x := 0; x+tileOverlap <= s[0]; x += 41 {
				face := image.Rect(x, y, x+tileOverlap, y+tileOverlap)
				in := false
				for _, r := range ts {
					in = in || face.In(r)
				}
				if !in {
					t.Fatalf("%v: a face at %v is in no tile", s, face)
				}
			}
		}
	}
}

// TestDetectSmallAndOdd covers images smaller than a network cell, with
// an origin away from (0, 0), and paletted ones (the generic pixel path).
func TestDetectSmallAndOdd(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	pal := image.NewPaletted(image.Rect(10, 20, 13, 21), color.Palette{color.Black, color.White})
	for _, img := range []image.Image{
		image.NewGray(image.Rect(0, 0, 1, 1)),
		image.NewRGBA(image.Rect(-5, -5, 30, 4)),
		pal,
		synthYCbCr(3000, 40),
	} {
		faces, err := d.Detect(context.Background(), img, DefaultOptions())
		if err != nil {
			t.Errorf("%T %v: %v", img, img.Bounds(), err)
		}
		for _, f := range faces {
			if !f.Box.In(img.Bounds()) {
				t.Errorf("%T %v: box %v outside the image", img, img.Bounds(), f.Box)
			}
		}
	}
}

func TestFacePadding(t *testing.T) {
	c := candidate{x0: 100, y0: 50, x1: 140, y1: 100, score: 0.9}
	for _, tc := range []struct {
		pad  float64
		w, h int
		box  image.Rectangle
	}{
		{0, 1000, 1000, image.Rect(100, 50, 140, 100)},
		{0.25, 1000, 1000, image.Rect(90, 37, 150, 113)}, // 10 px each side across, 12.5 px up and down
		{0.25, 145, 110, image.Rect(90, 37, 145, 110)},   // clamped to the image
	} {
		f := c.face(tc.w, tc.h, image.Point{}, tc.pad)
		if f.Box != tc.box || f.Raw != image.Rect(100, 50, 140, 100).Intersect(image.Rect(0, 0, tc.w, tc.h)) {
			t.Errorf("pad %.2f in %dx%d: box %v raw %v, want box %v", tc.pad, tc.w, tc.h, f.Box, f.Raw, tc.box)
		}
	}
	// An image whose origin is not (0, 0) gets boxes in its own coordinates.
	if f := c.face(1000, 1000, image.Pt(-5, 7), 0); f.Raw != image.Rect(95, 57, 135, 107) {
		t.Errorf("offset origin: raw %v", f.Raw)
	}
}

// TestWithThreads checks that a detector limited to fewer threads finds
// exactly what the default one finds, and that the limit is at least one.
func TestWithThreads(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	dir := repoShared(t, "fixtures/faces")
	_, truth := loadTruth(t, dir)
	const name = "2008_002079.jpg"
	img, _ := loadUpright(t, filepath.Join(dir, name), truth[name])
	opt := DefaultOptions()
	want, err := d.Detect(context.Background(), img, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("%s: no faces found, nothing to compare", name)
	}
	for _, n := range []int{-1, 0, 1, 3} {
		one := d.WithThreads(n)
		if one.threads != max(1, n) {
			t.Errorf("WithThreads(%d) uses %d threads", n, one.threads)
		}
		got, err := one.Detect(context.Background(), img, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("WithThreads(%d) found %v, the default detector %v", n, got, want)
		}
	}
}
