package detect

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"codeberg.org/veil/veil/assets"
	"codeberg.org/veil/veil/internal/testenv"
)

// The interpreter is checked against ONNX Runtime on two inputs: a synthetic
// image computed here from a seed, and (when ../shared is present) the
// scikit-image astronaut PNG. testdata/reference.json holds, per output, its
// shape, the sum and absolute sum of all values, and sampled values with their
// flat indices, produced by TestGenerateReference (see testdata/README.md).

type refOutput struct {
	Dims   []int     `json:"dims"`
	Sum    float64   `json:"sum"`
	SumAbs float64   `json:"sum_abs"`
	Index  []int     `json:"index"`
	Value  []float32 `json:"value"`
}

type refCase struct {
	Name    string               `json:"name"`
	Seed    uint32               `json:"seed,omitempty"`
	Fixture string               `json:"fixture,omitempty"`
	H       int                  `json:"h"`
	W       int                  `json:"w"`
	Outputs map[string]refOutput `json:"outputs"`
}

// synthInput is a deterministic 1x3xHxW BGR input in 0..255: smooth gradients,
// rings and blocks plus xorshift noise, exact integers so that any runtime
// sees identical floats.
func synthInput(seed uint32, h, w int) []float32 {
	x := make([]float32, 3*h*w)
	s := seed | 1
	for c := range 3 {
		for i := range h {
			for j := range w {
				s ^= s << 13
				s ^= s >> 17
				s ^= s << 5
				di, dj := i-h/2, j-w/3
				v := (di*di+dj*dj)/(7+c) + (i*3+j*(c+1))/4 + int(s&31)
				if (i/24+j/40+c)%3 == 0 {
					v += 90
				}
				x[(c*h+i)*w+j] = float32(v & 255)
			}
		}
	}
	return x
}

// repoShared returns <repo root>/../shared/<rel>, or skips the test.
func repoShared(t testing.TB, rel string) string {
	t.Helper()
	return testenv.Shared(t, rel)
}

// fixtureInput is the BGR input tensor of a PNG fixture, zero-padded to a
// multiple of 32.
func fixtureInput(t testing.TB, rel string) ([]float32, int, int) {
	f, err := os.Open(repoShared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	h, w := (b.Dy()+31)/32*32, (b.Dx()+31)/32*32
	x := make([]float32, 3*h*w)
	for i := range b.Dy() {
		for j := range b.Dx() {
			r, g, bl, _ := img.At(b.Min.X+j, b.Min.Y+i).RGBA()
			x[i*w+j] = float32(bl >> 8)
			x[(h+i)*w+j] = float32(g >> 8)
			x[(2*h+i)*w+j] = float32(r >> 8)
		}
	}
	return x, h, w
}

func caseInput(t testing.TB, c refCase) []float32 {
	if c.Fixture != "" {
		x, h, w := fixtureInput(t, c.Fixture)
		if h != c.H || w != c.W {
			t.Fatalf("%s: fixture gives %dx%d, reference was %dx%d", c.Name, w, h, c.W, c.H)
		}
		return x
	}
	return synthInput(c.Seed, c.H, c.W)
}

func runPlan(t testing.TB, x []float32, h, w, threads int) *plan {
	t.Helper()
	m, err := parseModel(assets.YuNet)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile(m, h, w)
	if err != nil {
		t.Fatal(err)
	}
	copy(p.input, x)
	p.run(threads)
	return p
}

var outputNames = []string{"cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32", "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32"}

func TestMatchesONNXRuntime(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []refCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	m, err := parseModel(assets.YuNet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, v := range []struct {
			threads int
			asm     bool
		}{{1, true}, {2, true}, {2, false}} {
			t.Run(fmt.Sprintf("%s/threads=%d/asm=%v", c.Name, v.threads, v.asm), func(t *testing.T) {
				defer setAsm(setAsm(v.asm))
				threads := v.threads
				x := caseInput(t, c)
				p := runPlan(t, x, c.H, c.W, threads)
				if len(m.outputs) != len(outputNames) {
					t.Fatalf("model has %d outputs", len(m.outputs))
				}
				checked := 0
				worst := 0.0
				for k, name := range m.outputs {
					ref, ok := c.Outputs[name]
					if !ok {
						t.Fatalf("reference lacks %s", name)
					}
					got := p.outputs[k]
					if fmt.Sprint(p.outDims[k]) != fmt.Sprint(ref.Dims) {
						t.Errorf("%s: shape %v, ONNX Runtime %v", name, p.outDims[k], ref.Dims)
						continue
					}
					var sum, sumAbs float64
					for _, v := range got {
						sum += float64(v)
						sumAbs += math.Abs(float64(v))
					}
					if d := math.Abs(sum - ref.Sum); d > 1e-4+1e-5*ref.SumAbs {
						t.Errorf("%s: sum %g, ONNX Runtime %g", name, sum, ref.Sum)
					}
					if d := math.Abs(sumAbs - ref.SumAbs); d > 1e-4+1e-5*ref.SumAbs {
						t.Errorf("%s: sum of |x| %g, ONNX Runtime %g", name, sumAbs, ref.SumAbs)
					}
					for j, idx := range ref.Index {
						d := math.Abs(float64(got[idx] - ref.Value[j]))
						worst = max(worst, d)
						if !(d <= 1e-4) {
							t.Errorf("%s[%d] = %g, ONNX Runtime %g (diff %g)", name, idx, got[idx], ref.Value[j], d)
						}
						checked++
					}
				}
				t.Logf("%d sampled values and 12 sums checked; largest difference %.2g", checked, worst)
			})
		}
	}
}

// TestGenerateReference regenerates testdata/reference.json with ONNX
// Runtime. It runs only when VEIL_ORT_DIR names a folder holding
// node_modules/onnxruntime-node (see testdata/README.md).
func TestGenerateReference(t *testing.T) {
	ortDir := os.Getenv("VEIL_ORT_DIR")
	if ortDir == "" {
		t.Skip("VEIL_ORT_DIR not set: reference generation needs node and onnxruntime-node")
	}
	model := repoShared(t, "models/yunet/yunet_n_dynamic.onnx")
	cases := []refCase{
		{Name: "synthetic-320x256", Seed: 20261121, H: 256, W: 320},
		{Name: "synthetic-96x160", Seed: 7, H: 160, W: 96},
		{Name: "astronaut", Fixture: "fixtures/faces/skimage_astronaut.png", H: 512, W: 512},
	}
	script, _ := filepath.Abs("testdata/ort_ref.js")
	for i := range cases {
		c := &cases[i]
		x := caseInput(t, *c)
		dir := t.TempDir()
		in := filepath.Join(dir, "input.f32")
		buf := make([]byte, 4*len(x))
		for k, v := range x {
			binary.LittleEndian.PutUint32(buf[4*k:], math.Float32bits(v))
		}
		if err := os.WriteFile(in, buf, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("node", script, model, in, fmt.Sprint(c.H), fmt.Sprint(c.W), dir)
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(ortDir, "node_modules"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		var dims map[string][]int
		idx, err := os.ReadFile(filepath.Join(dir, "index.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(idx, &dims); err != nil {
			t.Fatal(err)
		}
		c.Outputs = map[string]refOutput{}
		for _, name := range outputNames {
			b, err := os.ReadFile(filepath.Join(dir, name+".f32"))
			if err != nil {
				t.Fatal(err)
			}
			vals := make([]float32, len(b)/4)
			for k := range vals {
				vals[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
			}
			o := refOutput{Dims: dims[name]}
			for _, v := range vals {
				o.Sum += float64(v)
				o.SumAbs += math.Abs(float64(v))
			}
			// 24 evenly spread values plus the 6 largest (the cells a detection
			// would come from).
			pick := map[int]bool{}
			for k := range 24 {
				pick[(k*len(vals))/24+k%7] = true
			}
			order := make([]int, len(vals))
			for k := range order {
				order[k] = k
			}
			sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
			for _, k := range order[:min(6, len(order))] {
				pick[k] = true
			}
			for k := range pick {
				if k < len(vals) {
					o.Index = append(o.Index, k)
				}
			}
			sort.Ints(o.Index)
			for _, k := range o.Index {
				o.Value = append(o.Value, vals[k])
			}
			c.Outputs[name] = o
		}
	}
	out, err := json.MarshalIndent(cases, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/reference.json", append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
