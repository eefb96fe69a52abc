package detect

import (
	"fmt"
	"math"
)

// A plan is the model compiled for one input size: every shape is known, the
// shape arithmetic (Shape, Gather, Unsqueeze, Concat) is folded into
// constants, Reshape aliases its input, a Relu that follows a Conv is fused
// into it, and every intermediate tensor has a buffer allocated once, reused
// across layers by liveness. Running a plan allocates nothing.

// maxPlanFloats bounds the buffers of one plan (1 GB at most; see
// planBudget), so that a model that is valid protobuf but declares an absurd
// network cannot exhaust memory.
const maxPlanFloats = 1 << 28

// planBudget is the buffer budget of an h×w plan: YuNet needs about 13 floats
// per input pixel, so 48 leaves room for similar networks while keeping a
// hostile model's load-time check (at 64×64) to a few megabytes.
func planBudget(h, w int) int { return min(maxPlanFloats, 48*h*w+1<<16) }

// value is a tensor during planning: float data in a buffer, or a folded
// integer constant.
type value struct {
	shape []int
	buf   int       // index into plan.bufs, or -1
	ints  []int64   // folded integer constant (shape arithmetic)
	konst []float32 // float initializer
}

func (v *value) size() int {
	n := 1
	for _, d := range v.shape {
		n *= d
	}
	return n
}

// step is one layer to run. run computes part [lo, hi) of the layer's work
// units (channels or pixels), so layers can be split across goroutines.
type step struct {
	name  string
	units int
	// cost estimates the multiply-adds per unit, to decide whether splitting pays.
	cost int
	// w is the worker's index (0..threads-1), for per-worker scratch.
	run func(w, lo, hi int)
}

// plan is a runnable network for one input size.
type plan struct {
	h, w    int
	input   []float32   // 1x3xHxW, filled by the caller
	outputs [][]float32 // in model output order
	outDims [][]int
	steps   []step
	bufs    [][]float32
}

// compile builds the plan of m for a 1x3xHxW input.
func compile(m *model, h, w int) (*plan, error) {
	if len(m.inputs) != 1 {
		return nil, fmt.Errorf("model has %d inputs, want 1", len(m.inputs))
	}
	if h <= 0 || w <= 0 || h*w*3 > maxPlanFloats {
		return nil, fmt.Errorf("input size %dx%d out of range", w, h)
	}
	p := &plan{h: h, w: w}
	vals := map[string]*value{}
	for name, t := range m.inits {
		v := &value{shape: t.dims, buf: -1}
		if t.f != nil {
			v.konst = t.f
		} else {
			v.ints = t.i
		}
		vals[name] = v
	}
	// Liveness: the index of the last node that reads each name.
	last := map[string]int{}
	for i, n := range m.nodes {
		for _, in := range n.in {
			last[in] = i
		}
	}
	for _, o := range m.outputs {
		last[o] = len(m.nodes)
	}
	var free []int
	total := 0
	budget := planBudget(h, w)
	alloc := func(n int) (int, error) {
		best := -1
		for k, b := range free {
			if len(p.bufs[b]) >= n && (best < 0 || len(p.bufs[b]) < len(p.bufs[free[best]])) {
				best = k
			}
		}
		if best >= 0 {
			b := free[best]
			free = append(free[:best], free[best+1:]...)
			return b, nil
		}
		total += n
		if total > budget {
			return 0, fmt.Errorf("network needs more than %d floats of buffers at %dx%d", budget, w, h)
		}
		p.bufs = append(p.bufs, make([]float32, n))
		return len(p.bufs) - 1, nil
	}
	// refs counts the names sharing a buffer (Reshape aliases), so a buffer is
	// freed only when the last of them dies.
	refs := map[int]int{}
	in, err := alloc(3 * h * w)
	if err != nil {
		return nil, err
	}
	refs[in] = 1
	vals[m.inputs[0]] = &value{shape: []int{1, 3, h, w}, buf: in}
	p.input = p.bufs[in]

	// fusedRelu marks Relu nodes folded into the Conv before them.
	fusedRelu := map[int]bool{}
	for i, n := range m.nodes {
		if fusedRelu[i] {
			continue
		}
		get := func(k int) (*value, error) {
			if k >= len(n.in) {
				return nil, fmt.Errorf("%s node %q: missing input %d", n.op, n.name, k)
			}
			v, ok := vals[n.in[k]]
			if !ok {
				return nil, fmt.Errorf("%s node %q: input %q is not defined before it", n.op, n.name, n.in[k])
			}
			return v, nil
		}
		if len(n.out) != 1 {
			return nil, fmt.Errorf("%s node %q has %d outputs, want 1", n.op, n.name, len(n.out))
		}
		outName := n.out[0]
		// newOut allocates the float output of this node.
		newOut := func(shape []int) (*value, []float32, error) {
			size := 1
			for _, d := range shape {
				if d <= 0 || size > maxPlanFloats/d {
					return nil, nil, fmt.Errorf("%s node %q: bad output shape %v", n.op, n.name, shape)
				}
				size *= d
			}
			b, err := alloc(size)
			if err != nil {
				return nil, nil, err
			}
			refs[b]++
			return &value{shape: shape, buf: b}, p.bufs[b][:size], nil
		}
		data := func(v *value) []float32 {
			if v.buf < 0 {
				return v.konst
			}
			return p.bufs[v.buf][:v.size()]
		}
		var out *value
		switch n.op {
		case "Conv":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			wt, err := get(1)
			if err != nil {
				return nil, err
			}
			var bias []float32
			if len(n.in) > 2 && n.in[2] != "" {
				bv, err := get(2)
				if err != nil {
					return nil, err
				}
				bias = bv.konst
			}
			relu := false
			if i+1 < len(m.nodes) && m.nodes[i+1].op == "Relu" && len(m.nodes[i+1].in) == 1 &&
				m.nodes[i+1].in[0] == outName && last[outName] == i+1 && len(m.nodes[i+1].out) == 1 {
				relu = true
				fusedRelu[i+1] = true
				outName = m.nodes[i+1].out[0]
			}
			c, err := newConv(n, x, wt, bias, relu)
			if err != nil {
				return nil, err
			}
			var o []float32
			out, o, err = newOut(c.outShape())
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, c.steps(n.name, data(x), o)...)
		case "Relu", "Sigmoid":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			if x.buf < 0 {
				return nil, fmt.Errorf("%s node %q on a constant is not supported", n.op, n.name)
			}
			var o []float32
			out, o, err = newOut(x.shape)
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, unaryStep(n.op, data(x), o))
		case "MaxPool":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			mp, err := newMaxPool(n, x)
			if err != nil {
				return nil, err
			}
			var o []float32
			out, o, err = newOut(mp.outShape())
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, mp.step(data(x), o))
		case "Resize":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			scales, err := get(2)
			if err != nil {
				return nil, err
			}
			rs, err := newResize(n, x, scales)
			if err != nil {
				return nil, err
			}
			var o []float32
			out, o, err = newOut(rs.outShape)
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, rs.step(data(x), o))
		case "Add":
			a, err := get(0)
			if err != nil {
				return nil, err
			}
			b, err := get(1)
			if err != nil {
				return nil, err
			}
			if !sameShape(a.shape, b.shape) || a.buf < 0 || b.buf < 0 {
				return nil, fmt.Errorf("Add node %q: shapes %v and %v (broadcasting is not supported)", n.name, a.shape, b.shape)
			}
			var o []float32
			out, o, err = newOut(a.shape)
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, addStep(data(a), data(b), o))
		case "Transpose":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			perm := n.attrs["perm"].ints
			if len(x.shape) != 4 || len(perm) != 4 || x.buf < 0 {
				return nil, fmt.Errorf("Transpose node %q: only 4-D transposes are supported", n.name)
			}
			shape := make([]int, 4)
			seen := [4]bool{}
			for k, a := range perm {
				if a < 0 || a > 3 || seen[a] {
					return nil, fmt.Errorf("Transpose node %q: bad perm %v", n.name, perm)
				}
				seen[a] = true
				shape[k] = x.shape[a]
			}
			var o []float32
			out, o, err = newOut(shape)
			if err != nil {
				return nil, err
			}
			p.steps = append(p.steps, transposeStep(x.shape, perm, data(x), o))
		case "Shape":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			ints := make([]int64, len(x.shape))
			for k, d := range x.shape {
				ints[k] = int64(d)
			}
			out = &value{shape: []int{len(ints)}, buf: -1, ints: ints}
		case "Gather":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			idx, err := get(1)
			if err != nil {
				return nil, err
			}
			if x.ints == nil || len(x.shape) != 1 || idx.ints == nil || n.attrs["axis"].i != 0 {
				return nil, fmt.Errorf("Gather node %q: only gathering from a 1-D integer constant is supported", n.name)
			}
			res := make([]int64, len(idx.ints))
			for k, j := range idx.ints {
				if j < 0 {
					j += int64(len(x.ints))
				}
				if j < 0 || j >= int64(len(x.ints)) {
					return nil, fmt.Errorf("Gather node %q: index %d out of range", n.name, j)
				}
				res[k] = x.ints[j]
			}
			out = &value{shape: append([]int(nil), idx.shape...), buf: -1, ints: res}
		case "Unsqueeze":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			if x.ints == nil {
				return nil, fmt.Errorf("Unsqueeze node %q: only integer constants are supported", n.name)
			}
			shape := append([]int(nil), x.shape...)
			for _, a := range n.attrs["axes"].ints {
				if a < 0 || int(a) > len(shape) || len(shape) >= maxDims {
					return nil, fmt.Errorf("Unsqueeze node %q: bad axis %d", n.name, a)
				}
				shape = append(shape[:a], append([]int{1}, shape[a:]...)...)
			}
			out = &value{shape: shape, buf: -1, ints: x.ints}
		case "Concat":
			var res []int64
			for k := range n.in {
				x, err := get(k)
				if err != nil {
					return nil, err
				}
				if x.ints == nil || len(x.shape) != 1 || len(res)+len(x.ints) > maxDims {
					return nil, fmt.Errorf("Concat node %q: only short 1-D integer constants are supported", n.name)
				}
				res = append(res, x.ints...)
			}
			out = &value{shape: []int{len(res)}, buf: -1, ints: res}
		case "Reshape":
			x, err := get(0)
			if err != nil {
				return nil, err
			}
			s, err := get(1)
			if err != nil {
				return nil, err
			}
			if x.buf < 0 || s.ints == nil {
				return nil, fmt.Errorf("Reshape node %q: needs a tensor and a constant shape", n.name)
			}
			shape, err := reshape(x.shape, s.ints)
			if err != nil {
				return nil, fmt.Errorf("Reshape node %q: %w", n.name, err)
			}
			out = &value{shape: shape, buf: x.buf}
			refs[x.buf]++
		default:
			return nil, fmt.Errorf("unsupported operator %q (node %q)", n.op, n.name)
		}
		vals[outName] = out
		// Free the buffers of inputs read for the last time.
		for _, name := range n.in {
			v := vals[name]
			if v != nil && v.buf >= 0 && last[name] <= i {
				delete(vals, name) // a name is released once even if read twice
				refs[v.buf]--
				if refs[v.buf] == 0 {
					free = append(free, v.buf)
				}
			}
		}
	}
	for _, name := range m.outputs {
		v, ok := vals[name]
		if !ok || v.buf < 0 {
			return nil, fmt.Errorf("model output %q is not computed", name)
		}
		p.outputs = append(p.outputs, p.bufs[v.buf][:v.size()])
		p.outDims = append(p.outDims, v.shape)
	}
	return p, nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reshape applies an ONNX Reshape target (0 copies a dimension, -1 infers one).
func reshape(in []int, target []int64) ([]int, error) {
	total := 1
	for _, d := range in {
		total *= d
	}
	out := make([]int, len(target))
	infer := -1
	known := 1
	for k, t := range target {
		switch {
		case t == 0 && k < len(in):
			out[k] = in[k]
		case t == -1 && infer < 0:
			infer = k
			continue
		case t > 0 && t <= int64(total):
			out[k] = int(t)
		default:
			return nil, fmt.Errorf("bad target shape %v for %v", target, in)
		}
		known *= out[k]
	}
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("bad target shape %v for %v", target, in)
		}
		out[infer] = total / known
		known *= out[infer]
	}
	if known != total {
		return nil, fmt.Errorf("target shape %v does not match %v", target, in)
	}
	return out, nil
}

func unaryStep(op string, x, o []float32) step {
	s := step{name: op, units: len(x), cost: 1}
	if op == "Relu" {
		s.run = func(_, lo, hi int) {
			for k := lo; k < hi; k++ {
				o[k] = max(x[k], 0)
			}
		}
	} else {
		s.cost = 20
		s.run = func(_, lo, hi int) {
			for k := lo; k < hi; k++ {
				o[k] = float32(1 / (1 + math.Exp(-float64(x[k]))))
			}
		}
	}
	return s
}

func addStep(a, b, o []float32) step {
	return step{name: "Add", units: len(o), cost: 1, run: func(_, lo, hi int) {
		a, b, o := a[lo:hi], b[lo:hi], o[lo:hi]
		for k := range o {
			o[k] = a[k] + b[k]
		}
	}}
}

// transposeStep permutes a 4-D tensor; a unit is one index of the output's
// first axis times its second (rows of the output).
func transposeStep(in []int, perm []int64, x, o []float32) step {
	var stride [4]int
	s := 1
	for k := 3; k >= 0; k-- {
		stride[k] = s
		s *= in[k]
	}
	var os, is [4]int // output dims and the input strides they walk
	for k := range 4 {
		os[k] = in[perm[k]]
		is[k] = stride[perm[k]]
	}
	return step{name: "Transpose", units: os[0] * os[1], cost: os[2] * os[3], run: func(_, lo, hi int) {
		for u := lo; u < hi; u++ {
			a, b := u/os[1], u%os[1]
			dst := o[u*os[2]*os[3]:]
			base := a*is[0] + b*is[1]
			k := 0
			for c := range os[2] {
				src := base + c*is[2]
				for d := range os[3] {
					dst[k] = x[src+d*is[3]]
					k++
				}
			}
		}
	}}
}

// maxPool is a 2-D max pooling without padding.
type maxPool struct {
	c, h, w, kh, kw, sh, sw, oh, ow int
}

func newMaxPool(n node, x *value) (*maxPool, error) {
	k := n.attrs["kernel_shape"].ints
	s := n.attrs["strides"].ints
	if len(x.shape) != 4 || x.shape[0] != 1 || len(k) != 2 || x.buf < 0 {
		return nil, fmt.Errorf("MaxPool node %q: unsupported form", n.name)
	}
	for _, p := range n.attrs["pads"].ints {
		if p != 0 {
			return nil, fmt.Errorf("MaxPool node %q: padding is not supported", n.name)
		}
	}
	if n.attrs["ceil_mode"].i != 0 {
		return nil, fmt.Errorf("MaxPool node %q: ceil_mode is not supported", n.name)
	}
	if len(s) == 0 {
		s = []int64{1, 1}
	}
	if len(s) != 2 || k[0] < 1 || k[1] < 1 || s[0] < 1 || s[1] < 1 || k[0] > 16 || k[1] > 16 || s[0] > 16 || s[1] > 16 {
		return nil, fmt.Errorf("MaxPool node %q: bad kernel or strides", n.name)
	}
	mp := &maxPool{c: x.shape[1], h: x.shape[2], w: x.shape[3], kh: int(k[0]), kw: int(k[1]), sh: int(s[0]), sw: int(s[1])}
	if mp.h < mp.kh || mp.w < mp.kw {
		return nil, fmt.Errorf("MaxPool node %q: input %dx%d smaller than the kernel", n.name, mp.w, mp.h)
	}
	mp.oh = (mp.h-mp.kh)/mp.sh + 1
	mp.ow = (mp.w-mp.kw)/mp.sw + 1
	return mp, nil
}

func (mp *maxPool) outShape() []int { return []int{1, mp.c, mp.oh, mp.ow} }

// step pools; a unit is one output row of one channel.
func (mp *maxPool) step(x, o []float32) step {
	return step{name: "MaxPool", units: mp.c * mp.oh, cost: mp.ow * mp.kh * mp.kw, run: func(_, lo, hi int) {
		for u := lo; u < hi; u++ {
			c, y := u/mp.oh, u%mp.oh
			dst := o[u*mp.ow : (u+1)*mp.ow]
			src := x[c*mp.h*mp.w+y*mp.sh*mp.w:]
			if mp.kh == 2 && mp.kw == 2 && mp.sw == 2 {
				r0, r1 := src[:2*mp.ow], src[mp.w:mp.w+2*mp.ow]
				for j := range dst {
					dst[j] = max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1])
				}
				continue
			}
			for j := range dst {
				m := float32(math.Inf(-1))
				for dy := range mp.kh {
					row := src[dy*mp.w+j*mp.sw:]
					for dx := range mp.kw {
						m = max(m, row[dx])
					}
				}
				dst[j] = m
			}
		}
	}}
}

// resize is ONNX Resize in nearest mode with asymmetric coordinates and floor
// rounding (what YuNet's upsampling uses), over the two spatial axes.
type resize struct {
	c, h, w  int
	outShape []int
	sy, sx   float32
}

func newResize(n node, x *value, scales *value) (*resize, error) {
	if n.attrs["mode"].s != "nearest" ||
		(n.attrs["coordinate_transformation_mode"].s != "asymmetric") ||
		(n.attrs["nearest_mode"].s != "floor") {
		return nil, fmt.Errorf("Resize node %q: only nearest/asymmetric/floor is supported", n.name)
	}
	if len(x.shape) != 4 || x.shape[0] != 1 || x.buf < 0 || len(scales.konst) != 4 || scales.konst[0] != 1 || scales.konst[1] != 1 {
		return nil, fmt.Errorf("Resize node %q: unsupported form (scales %v)", n.name, scales.konst)
	}
	sy, sx := scales.konst[2], scales.konst[3]
	if !(sy >= 1 && sy <= 16 && sx >= 1 && sx <= 16) {
		return nil, fmt.Errorf("Resize node %q: scales %v out of range", n.name, scales.konst)
	}
	r := &resize{c: x.shape[1], h: x.shape[2], w: x.shape[3], sy: sy, sx: sx}
	r.outShape = []int{1, r.c, int(float32(r.h) * sy), int(float32(r.w) * sx)}
	return r, nil
}

// step upsamples; a unit is one output row of one channel.
func (r *resize) step(x, o []float32) step {
	oh, ow := r.outShape[2], r.outShape[3]
	return step{name: "Resize", units: r.c * oh, cost: ow, run: func(_, lo, hi int) {
		for u := lo; u < hi; u++ {
			c, y := u/oh, u%oh
			sy := min(int(float32(y)/r.sy), r.h-1)
			src := x[(c*r.h+sy)*r.w : (c*r.h+sy+1)*r.w]
			dst := o[u*ow : (u+1)*ow]
			if r.sx == 2 {
				for j := range dst {
					dst[j] = src[j>>1]
				}
				continue
			}
			for j := range dst {
				dst[j] = src[min(int(float32(j)/r.sx), r.w-1)]
			}
		}
	}}
}
