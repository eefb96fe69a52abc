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

// compiler holds the state of compiling one plan: the values defined so far,
// the liveness of every name, and the pool of buffers that dead values return.
type compiler struct {
	m      *model
	p      *plan
	vals   map[string]*value
	last   map[string]int // index of the last node that reads each name
	free   []int          // buffers no live value uses
	refs   map[int]int    // live names per buffer (Reshape aliases share one)
	total  int            // floats allocated so far
	budget int

	// The node being compiled: its index, the node, and the name its result
	// is stored under (a Conv that absorbs the next Relu takes that node's).
	i       int
	n       node
	outName string
	// fused marks Relu nodes folded into the Conv before them.
	fused map[int]bool
}

// opCompiler compiles the node c.n: it appends the node's steps to the plan
// and returns the value the node defines.
type opCompiler func(c *compiler) (*value, error)

// operators are the ONNX operators the interpreter runs, by op type. The
// shape arithmetic (Shape, Gather, Unsqueeze, Concat) is folded at compile
// time and adds no step.
var operators = map[string]opCompiler{
	"Conv":      compileConv,
	"Relu":      compileUnary,
	"Sigmoid":   compileUnary,
	"MaxPool":   compileMaxPool,
	"Resize":    compileResize,
	"Add":       compileAdd,
	"Transpose": compileTranspose,
	"Shape":     compileShape,
	"Gather":    compileGather,
	"Unsqueeze": compileUnsqueeze,
	"Concat":    compileConcat,
	"Reshape":   compileReshape,
}

// compile builds the plan of m for a 1x3xHxW input.
func compile(m *model, h, w int) (*plan, error) {
	if len(m.inputs) != 1 {
		return nil, fmt.Errorf("model has %d inputs, want 1", len(m.inputs))
	}
	if h <= 0 || w <= 0 || h*w*3 > maxPlanFloats {
		return nil, fmt.Errorf("input size %dx%d out of range", w, h)
	}
	c := newCompiler(m, h, w)
	in, err := c.alloc(3 * h * w)
	if err != nil {
		return nil, err
	}
	c.refs[in] = 1
	c.vals[m.inputs[0]] = &value{shape: []int{1, 3, h, w}, buf: in}
	c.p.input = c.p.bufs[in]
	for i, n := range m.nodes {
		if c.fused[i] {
			continue
		}
		if err := c.node(i, n); err != nil {
			return nil, err
		}
	}
	return c.finish()
}

// newCompiler sets up the constants and the liveness of m's names.
func newCompiler(m *model, h, w int) *compiler {
	c := &compiler{
		m:      m,
		p:      &plan{h: h, w: w},
		vals:   map[string]*value{},
		last:   map[string]int{},
		refs:   map[int]int{},
		fused:  map[int]bool{},
		budget: planBudget(h, w),
	}
	for name, t := range m.inits {
		v := &value{shape: t.dims, buf: -1}
		if t.f != nil {
			v.konst = t.f
		} else {
			v.ints = t.i
		}
		c.vals[name] = v
	}
	for i, n := range m.nodes {
		for _, in := range n.in {
			c.last[in] = i
		}
	}
	for _, o := range m.outputs {
		c.last[o] = len(m.nodes)
	}
	return c
}

// node compiles node i, defines its output and releases the inputs it read
// for the last time.
func (c *compiler) node(i int, n node) error {
	if len(n.out) != 1 {
		return fmt.Errorf("%s node %q has %d outputs, want 1", n.op, n.name, len(n.out))
	}
	op, ok := operators[n.op]
	if !ok {
		return fmt.Errorf("unsupported operator %q (node %q)", n.op, n.name)
	}
	c.i, c.n, c.outName = i, n, n.out[0]
	out, err := op(c)
	if err != nil {
		return err
	}
	c.vals[c.outName] = out
	for _, name := range n.in {
		v := c.vals[name]
		if v != nil && v.buf >= 0 && c.last[name] <= i {
			delete(c.vals, name) // a name is released once even if read twice
			c.refs[v.buf]--
			if c.refs[v.buf] == 0 {
				c.free = append(c.free, v.buf)
			}
		}
	}
	return nil
}

// finish collects the model's outputs.
func (c *compiler) finish() (*plan, error) {
	for _, name := range c.m.outputs {
		v, ok := c.vals[name]
		if !ok || v.buf < 0 {
			return nil, fmt.Errorf("model output %q is not computed", name)
		}
		c.p.outputs = append(c.p.outputs, c.p.bufs[v.buf][:v.size()])
		c.p.outDims = append(c.p.outDims, v.shape)
	}
	return c.p, nil
}

// alloc returns a buffer of at least n floats: the smallest free one that
// fits, or a new one within the plan's budget.
func (c *compiler) alloc(n int) (int, error) {
	p := c.p
	best := -1
	for k, b := range c.free {
		if len(p.bufs[b]) >= n && (best < 0 || len(p.bufs[b]) < len(p.bufs[c.free[best]])) {
			best = k
		}
	}
	if best >= 0 {
		b := c.free[best]
		c.free = append(c.free[:best], c.free[best+1:]...)
		return b, nil
	}
	c.total += n
	if c.total > c.budget {
		return 0, fmt.Errorf("network needs more than %d floats of buffers at %dx%d", c.budget, p.w, p.h)
	}
	p.bufs = append(p.bufs, make([]float32, n))
	return len(p.bufs) - 1, nil
}

// input returns the current node's k-th input.
func (c *compiler) input(k int) (*value, error) {
	n := c.n
	if k >= len(n.in) {
		return nil, fmt.Errorf("%s node %q: missing input %d", n.op, n.name, k)
	}
	v, ok := c.vals[n.in[k]]
	if !ok {
		return nil, fmt.Errorf("%s node %q: input %q is not defined before it", n.op, n.name, n.in[k])
	}
	return v, nil
}

// inputs returns the current node's first len(dst) inputs into dst.
func (c *compiler) inputs(dst ...**value) error {
	for k, d := range dst {
		v, err := c.input(k)
		if err != nil {
			return err
		}
		*d = v
	}
	return nil
}

// newOut allocates the float output of the current node.
func (c *compiler) newOut(shape []int) (*value, []float32, error) {
	size := 1
	for _, d := range shape {
		if d <= 0 || size > maxPlanFloats/d {
			return nil, nil, fmt.Errorf("%s node %q: bad output shape %v", c.n.op, c.n.name, shape)
		}
		size *= d
	}
	b, err := c.alloc(size)
	if err != nil {
		return nil, nil, err
	}
	c.refs[b]++
	return &value{shape: shape, buf: b}, c.p.bufs[b][:size], nil
}

// data is a value's floats: its buffer, or its constant.
func (c *compiler) data(v *value) []float32 {
	if v.buf < 0 {
		return v.konst
	}
	return c.p.bufs[v.buf][:v.size()]
}

// emit allocates the current node's output and appends the steps that
// build computes into it.
func (c *compiler) emit(shape []int, build func(o []float32) []step) (*value, error) {
	out, o, err := c.newOut(shape)
	if err != nil {
		return nil, err
	}
	c.p.steps = append(c.p.steps, build(o)...)
	return out, nil
}

// fuseRelu reports whether the node after the current one is a Relu that
// only reads this node's output; if so it is folded into this node, whose
// result takes the Relu's name.
func (c *compiler) fuseRelu() bool {
	nodes, i := c.m.nodes, c.i
	if i+1 >= len(nodes) {
		return false
	}
	next := nodes[i+1]
	if next.op != "Relu" || len(next.in) != 1 || next.in[0] != c.outName ||
		c.last[c.outName] != i+1 || len(next.out) != 1 {
		return false
	}
	c.fused[i+1] = true
	c.outName = next.out[0]
	return true
}

func compileConv(c *compiler) (*value, error) {
	var x, wt *value
	if err := c.inputs(&x, &wt); err != nil {
		return nil, err
	}
	var bias []float32
	if len(c.n.in) > 2 && c.n.in[2] != "" {
		bv, err := c.input(2)
		if err != nil {
			return nil, err
		}
		bias = bv.konst
	}
	cv, err := newConv(c.n, x, wt, bias, c.fuseRelu())
	if err != nil {
		return nil, err
	}
	return c.emit(cv.outShape(), func(o []float32) []step { return cv.steps(c.n.name, c.data(x), o) })
}

func compileUnary(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	if x.buf < 0 {
		return nil, fmt.Errorf("%s node %q on a constant is not supported", c.n.op, c.n.name)
	}
	return c.emit(x.shape, func(o []float32) []step { return []step{unaryStep(c.n.op, c.data(x), o)} })
}

func compileMaxPool(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	mp, err := newMaxPool(c.n, x)
	if err != nil {
		return nil, err
	}
	return c.emit(mp.outShape(), func(o []float32) []step { return []step{mp.step(c.data(x), o)} })
}

func compileResize(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	scales, err := c.input(2)
	if err != nil {
		return nil, err
	}
	rs, err := newResize(c.n, x, scales)
	if err != nil {
		return nil, err
	}
	return c.emit(rs.outShape, func(o []float32) []step { return []step{rs.step(c.data(x), o)} })
}

func compileAdd(c *compiler) (*value, error) {
	var a, b *value
	if err := c.inputs(&a, &b); err != nil {
		return nil, err
	}
	if !sameShape(a.shape, b.shape) || a.buf < 0 || b.buf < 0 {
		return nil, fmt.Errorf("Add node %q: shapes %v and %v (broadcasting is not supported)", c.n.name, a.shape, b.shape)
	}
	return c.emit(a.shape, func(o []float32) []step { return []step{addStep(c.data(a), c.data(b), o)} })
}

func compileTranspose(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	perm := c.n.attrs["perm"].ints
	if len(x.shape) != 4 || len(perm) != 4 || x.buf < 0 {
		return nil, fmt.Errorf("Transpose node %q: only 4-D transposes are supported", c.n.name)
	}
	shape := make([]int, 4)
	seen := [4]bool{}
	for k, a := range perm {
		if a < 0 || a > 3 || seen[a] {
			return nil, fmt.Errorf("Transpose node %q: bad perm %v", c.n.name, perm)
		}
		seen[a] = true
		shape[k] = x.shape[a]
	}
	return c.emit(shape, func(o []float32) []step { return []step{transposeStep(x.shape, perm, c.data(x), o)} })
}

func compileShape(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	ints := make([]int64, len(x.shape))
	for k, d := range x.shape {
		ints[k] = int64(d)
	}
	return &value{shape: []int{len(ints)}, buf: -1, ints: ints}, nil
}

func compileGather(c *compiler) (*value, error) {
	var x, idx *value
	if err := c.inputs(&x, &idx); err != nil {
		return nil, err
	}
	if x.ints == nil || len(x.shape) != 1 || idx.ints == nil || c.n.attrs["axis"].i != 0 {
		return nil, fmt.Errorf("Gather node %q: only gathering from a 1-D integer constant is supported", c.n.name)
	}
	res := make([]int64, len(idx.ints))
	for k, j := range idx.ints {
		if j < 0 {
			j += int64(len(x.ints))
		}
		if j < 0 || j >= int64(len(x.ints)) {
			return nil, fmt.Errorf("Gather node %q: index %d out of range", c.n.name, j)
		}
		res[k] = x.ints[j]
	}
	return &value{shape: append([]int(nil), idx.shape...), buf: -1, ints: res}, nil
}

func compileUnsqueeze(c *compiler) (*value, error) {
	x, err := c.input(0)
	if err != nil {
		return nil, err
	}
	if x.ints == nil {
		return nil, fmt.Errorf("Unsqueeze node %q: only integer constants are supported", c.n.name)
	}
	shape := append([]int(nil), x.shape...)
	for _, a := range c.n.attrs["axes"].ints {
		if a < 0 || int(a) > len(shape) || len(shape) >= maxDims {
			return nil, fmt.Errorf("Unsqueeze node %q: bad axis %d", c.n.name, a)
		}
		shape = append(shape[:a], append([]int{1}, shape[a:]...)...)
	}
	return &value{shape: shape, buf: -1, ints: x.ints}, nil
}

func compileConcat(c *compiler) (*value, error) {
	var res []int64
	for k := range c.n.in {
		x, err := c.input(k)
		if err != nil {
			return nil, err
		}
		if x.ints == nil || len(x.shape) != 1 || len(res)+len(x.ints) > maxDims {
			return nil, fmt.Errorf("Concat node %q: only short 1-D integer constants are supported", c.n.name)
		}
		res = append(res, x.ints...)
	}
	return &value{shape: []int{len(res)}, buf: -1, ints: res}, nil
}

// compileReshape aliases its input's buffer under the new shape.
func compileReshape(c *compiler) (*value, error) {
	var x, s *value
	if err := c.inputs(&x, &s); err != nil {
		return nil, err
	}
	if x.buf < 0 || s.ints == nil {
		return nil, fmt.Errorf("Reshape node %q: needs a tensor and a constant shape", c.n.name)
	}
	shape, err := reshape(x.shape, s.ints)
	if err != nil {
		return nil, fmt.Errorf("Reshape node %q: %w", c.n.name, err)
	}
	c.refs[x.buf]++
	return &value{shape: shape, buf: x.buf}, nil
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
