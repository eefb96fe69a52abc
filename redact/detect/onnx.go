package detect

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file reads the subset of the ONNX protobuf schema (onnx.proto3) that a
// feed-forward CNN needs. Every length is checked against the bytes that remain
// before anything is allocated, so hostile input cannot make the loader panic
// or ask for more memory than the file itself could fill.

// Limits on what a model may declare; generous for YuNet (~200 nodes, 8 dims).
const (
	maxNodes   = 10000
	maxDims    = 8
	maxNameLen = 4096
	maxIO      = 64
)

var errCorrupt = errors.New("corrupt ONNX model")

// ONNX TensorProto data types that the interpreter understands.
const (
	dtFloat = 1
	dtInt32 = 6
	dtInt64 = 7
)

// tensor is a constant: float32 values (f) or integer values (i), never both.
type tensor struct {
	dims []int
	f    []float32
	i    []int64
}

// size is the number of elements its dims describe.
func (t *tensor) size() int {
	n := 1
	for _, d := range t.dims {
		n *= d
	}
	return n
}

// attr is one node attribute.
type attr struct {
	i      int64
	f      float32
	s      string
	ints   []int64
	floats []float32
	t      *tensor
}

// node is one operator application.
type node struct {
	name  string
	op    string
	in    []string
	out   []string
	attrs map[string]attr
}

// model is a parsed ONNX graph.
type model struct {
	nodes   []node
	inits   map[string]*tensor
	inputs  []string // graph inputs that are not initializers
	outputs []string
}

// field walks the fields of a protobuf message, calling fn for each one with
// its number, wire type and, for length-delimited fields, its bytes; for
// varint and fixed fields v holds the value.
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errCorrupt
		}
		b = b[n:]
		var v uint64
		var data []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v = uint64(x)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errCorrupt
		}
		b = b[n:]
		if err := fn(num, typ, v, data); err != nil {
			return err
		}
	}
	return nil
}

// parseModel reads a ModelProto.
func parseModel(b []byte) (*model, error) {
	var graph []byte
	err := fields(b, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
		if num == 7 && typ == protowire.BytesType {
			graph = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if graph == nil {
		return nil, fmt.Errorf("%w: no graph", errCorrupt)
	}
	return parseGraph(graph)
}

func parseGraph(b []byte) (*model, error) {
	m := &model{inits: map[string]*tensor{}}
	var inputs []string
	err := fields(b, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1: // node
			if len(m.nodes) >= maxNodes {
				return fmt.Errorf("%w: too many nodes", errCorrupt)
			}
			n, err := parseNode(data)
			if err != nil {
				return err
			}
			m.nodes = append(m.nodes, n)
		case 5: // initializer
			name, t, err := parseTensor(data)
			if err != nil {
				return err
			}
			m.inits[name] = t
		case 11, 12: // input, output (ValueInfoProto: name is field 1)
			name, err := valueInfoName(data)
			if err != nil {
				return err
			}
			if num == 11 {
				if len(inputs) >= maxIO {
					return fmt.Errorf("%w: too many inputs", errCorrupt)
				}
				inputs = append(inputs, name)
			} else {
				if len(m.outputs) >= maxIO {
					return fmt.Errorf("%w: too many outputs", errCorrupt)
				}
				m.outputs = append(m.outputs, name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range inputs {
		if _, ok := m.inits[in]; !ok {
			m.inputs = append(m.inputs, in)
		}
	}
	return m, nil
}

func valueInfoName(b []byte) (string, error) {
	var name string
	err := fields(b, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
		if num == 1 && typ == protowire.BytesType {
			if len(data) > maxNameLen {
				return fmt.Errorf("%w: name too long", errCorrupt)
			}
			name = string(data)
		}
		return nil
	})
	return name, err
}

func parseNode(b []byte) (node, error) {
	n := node{attrs: map[string]attr{}}
	err := fields(b, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		if num <= 4 && len(data) > maxNameLen {
			return fmt.Errorf("%w: name too long", errCorrupt)
		}
		switch num {
		case 1:
			if len(n.in) >= maxIO {
				return fmt.Errorf("%w: too many node inputs", errCorrupt)
			}
			n.in = append(n.in, string(data))
		case 2:
			if len(n.out) >= maxIO {
				return fmt.Errorf("%w: too many node outputs", errCorrupt)
			}
			n.out = append(n.out, string(data))
		case 3:
			n.name = string(data)
		case 4:
			n.op = string(data)
		case 5:
			name, a, err := parseAttr(data)
			if err != nil {
				return err
			}
			n.attrs[name] = a
		}
		return nil
	})
	return n, err
}

func parseAttr(b []byte) (string, attr, error) {
	var name string
	var a attr
	err := fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			if len(data) > maxNameLen {
				return fmt.Errorf("%w: name too long", errCorrupt)
			}
			name = string(data)
		case num == 2 && typ == protowire.Fixed32Type:
			a.f = math.Float32frombits(uint32(v))
		case num == 3 && typ == protowire.VarintType:
			a.i = int64(v)
		case num == 4 && typ == protowire.BytesType:
			if len(data) > maxNameLen {
				return fmt.Errorf("%w: string attribute too long", errCorrupt)
			}
			a.s = string(data)
		case num == 5 && typ == protowire.BytesType:
			_, t, err := parseTensor(data)
			if err != nil {
				return err
			}
			a.t = t
		case num == 7:
			fs, err := appendFloats(a.floats, typ, v, data)
			if err != nil {
				return err
			}
			a.floats = fs
		case num == 8:
			is, err := appendInts(a.ints, typ, v, data)
			if err != nil {
				return err
			}
			a.ints = is
		}
		return nil
	})
	return name, a, err
}

// appendFloats adds one unpacked float (fixed32) or a packed run of them.
func appendFloats(dst []float32, typ protowire.Type, v uint64, data []byte) ([]float32, error) {
	switch typ {
	case protowire.Fixed32Type:
		return append(dst, math.Float32frombits(uint32(v))), nil
	case protowire.BytesType:
		if len(data)%4 != 0 {
			return nil, fmt.Errorf("%w: packed floats", errCorrupt)
		}
		for len(data) > 0 {
			x, _ := protowire.ConsumeFixed32(data)
			dst = append(dst, math.Float32frombits(x))
			data = data[4:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("%w: float field has wire type %d", errCorrupt, typ)
}

// appendInts adds one unpacked varint or a packed run of them.
func appendInts(dst []int64, typ protowire.Type, v uint64, data []byte) ([]int64, error) {
	switch typ {
	case protowire.VarintType:
		return append(dst, int64(v)), nil
	case protowire.BytesType:
		for len(data) > 0 {
			x, n := protowire.ConsumeVarint(data)
			if n < 0 {
				return nil, errCorrupt
			}
			dst = append(dst, int64(x))
			data = data[n:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("%w: integer field has wire type %d", errCorrupt, typ)
}

// parseTensor reads a TensorProto holding float32, int32 or int64 data, from
// raw_data or the typed repeated fields.
func parseTensor(b []byte) (string, *tensor, error) {
	var (
		name     string
		dims     []int64
		dtype    int64
		raw      []byte
		hasRaw   bool
		floats   []float32
		ints     []int64
		external bool
	)
	err := fields(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		var err error
		switch num {
		case 1:
			if dims, err = appendInts(dims, typ, v, data); err != nil {
				return err
			}
			if len(dims) > maxDims {
				return fmt.Errorf("%w: tensor has more than %d dimensions", errCorrupt, maxDims)
			}
		case 2:
			dtype = int64(v)
		case 4:
			floats, err = appendFloats(floats, typ, v, data)
		case 5, 7: // int32_data, int64_data: both varints
			ints, err = appendInts(ints, typ, v, data)
		case 8:
			if len(data) > maxNameLen {
				return fmt.Errorf("%w: name too long", errCorrupt)
			}
			name = string(data)
		case 9:
			raw, hasRaw = data, true
		case 13, 14: // external_data, data_location
			external = true
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if external {
		return "", nil, fmt.Errorf("%w: tensor %q uses external data", errCorrupt, name)
	}
	t := &tensor{dims: make([]int, len(dims))}
	n := 1
	for k, d := range dims {
		// The element count can never exceed the bytes of the whole file, so a
		// bound of 1<<31 only rules out overflow; the size check below is the real one.
		if d < 0 || d > 1<<31 || (d > 0 && n > (1<<31)/int(d)) {
			return "", nil, fmt.Errorf("%w: tensor %q has bad dimension %d", errCorrupt, name, d)
		}
		t.dims[k] = int(d)
		n *= int(d)
	}
	switch dtype {
	case dtFloat:
		switch {
		case hasRaw:
			if len(raw) != 4*n {
				return "", nil, fmt.Errorf("%w: tensor %q holds %d bytes for %d floats", errCorrupt, name, len(raw), n)
			}
			t.f = make([]float32, n)
			for k := range t.f {
				x, _ := protowire.ConsumeFixed32(raw[4*k:])
				t.f[k] = math.Float32frombits(x)
			}
		case len(floats) == n:
			t.f = floats
		default:
			return "", nil, fmt.Errorf("%w: tensor %q holds %d floats, dims say %d", errCorrupt, name, len(floats), n)
		}
	case dtInt64, dtInt32:
		size := 8
		if dtype == dtInt32 {
			size = 4
		}
		switch {
		case hasRaw:
			if len(raw) != size*n {
				return "", nil, fmt.Errorf("%w: tensor %q holds %d bytes for %d integers", errCorrupt, name, len(raw), n)
			}
			t.i = make([]int64, n)
			for k := range t.i {
				if size == 8 {
					x, _ := protowire.ConsumeFixed64(raw[8*k:])
					t.i[k] = int64(x)
				} else {
					x, _ := protowire.ConsumeFixed32(raw[4*k:])
					t.i[k] = int64(int32(x))
				}
			}
		case len(ints) == n:
			t.i = ints
			if dtype == dtInt32 {
				for k, x := range ints {
					t.i[k] = int64(int32(x))
				}
			}
		default:
			return "", nil, fmt.Errorf("%w: tensor %q holds %d integers, dims say %d", errCorrupt, name, len(ints), n)
		}
	default:
		return "", nil, fmt.Errorf("%w: tensor %q has unsupported data type %d", errCorrupt, name, dtype)
	}
	return name, t, nil
}
