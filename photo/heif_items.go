package photo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Before any decoder sees a HEIF file, Veil reads its item structure and
// checks what decoding the primary image will cost, so that the work a
// decoder does is bounded by the file's own claims and those claims by
// Veil's limits: every image to decode has a size (ispe) within MaxSide and
// MaxPixels; grids and overlays reference a bounded number of coded images
// that cover the canvas exactly; derivations form no loop; every coded
// image's data lies inside the file; and every HEVC or AV1 sequence header
// in that data declares a picture no larger than its item. libheif 1.15 has
// no loop check (a grid listing itself recursed until the stack overflowed)
// and lets its AV1 decoder allocate up to 32768x32768 pixels.

// Bounds for the item structure of one file.
const (
	heifMaxItems     = 10000 // items listed in iinf or iloc
	heifMaxInputs    = 4096  // coded images read to decode the primary one (a 110 MP grid of 256x256 tiles needs 1700)
	heifMaxDerive    = 3     // levels of derivation (iden -> grid -> tiles)
	heifMaxExtents   = 32    // extents of one item (libheif's own limit)
	heifMaxParamSets = 64    // parameter sets in one HEVC configuration
)

// heifPixelBudget bounds the pixels decoded for one primary image, tiles
// and alpha included: a grid's padding and an alpha plane fit well inside it.
const heifPixelBudget = 2 * MaxPixels

type heifExtent struct{ off, n uint64 }

type heifItem struct {
	id     uint32
	typ    string // item_type of infe, e.g. "hvc1", "av01", "grid"
	w, h   uint32 // ispe; 0 without one
	method int    // iloc construction method: 0 file offsets, 1 idat
	ext    []heifExtent
	hasLoc bool
	hvcC   []byte
	av1C   []byte
	alpha  bool     // an auxC marks it as an alpha plane
	dimg   []uint32 // inputs of a derived image
	auxl   []uint32 // images this one is an auxiliary of
	// transforms lists the item's irot, imir and clap properties in the
	// order libheif applies them; irot is the last rotation, in quarter
	// turns counter-clockwise.
	transforms []string
	irot       int
	nclx       *heifNCLX // a colr box of type nclx, if any
}

// heifNCLX is a colour description (ISO/IEC 23091-2 code points).
type heifNCLX struct {
	primaries, transfer, matrix uint16
	fullRange                   bool
}

type heifFile struct {
	b       []byte
	idat    []byte
	primary uint32
	items   map[uint32]*heifItem
}

// heifReader reads big-endian fields with bounds checks; the first failure
// sticks and later reads return zero.
type heifReader struct {
	p   []byte
	i   int
	bad bool
}

func (r *heifReader) need(n int) bool {
	if r.bad || n < 0 || len(r.p)-r.i < n {
		r.bad = true
		return false
	}
	return true
}

func (r *heifReader) u8() uint32 {
	if !r.need(1) {
		return 0
	}
	r.i++
	return uint32(r.p[r.i-1])
}

func (r *heifReader) u16() uint32 {
	if !r.need(2) {
		return 0
	}
	r.i += 2
	return uint32(binary.BigEndian.Uint16(r.p[r.i-2:]))
}

func (r *heifReader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	r.i += 4
	return binary.BigEndian.Uint32(r.p[r.i-4:])
}

// id reads an item ID: 32 bits when wide, else 16.
func (r *heifReader) id(wide bool) uint32 {
	if wide {
		return r.u32()
	}
	return r.u16()
}

// uN reads an n-byte unsigned field (n is 0, 1, 2, 4 or 8).
func (r *heifReader) uN(n int) uint64 {
	switch n {
	case 0:
		return 0
	case 1:
		return uint64(r.u8())
	case 2:
		return uint64(r.u16())
	case 4:
		return uint64(r.u32())
	case 8:
		hi := uint64(r.u32())
		return hi<<32 | uint64(r.u32())
	}
	r.bad = true
	return 0
}

func (r *heifReader) skip(n int) {
	if r.need(n) {
		r.i += n
	}
}

func (r *heifReader) fourcc() string {
	if !r.need(4) {
		return ""
	}
	r.i += 4
	return string(r.p[r.i-4 : r.i])
}

// heifBoxes calls f for each box in p (as checkHEIF has already bounded
// them: a malformed box ends the list with an error).
func heifBoxes(p []byte, f func(typ string, payload []byte) error) error {
	for i := 0; i < len(p); {
		if len(p)-i < 8 {
			return fmt.Errorf("truncated box header")
		}
		size := uint64(binary.BigEndian.Uint32(p[i:]))
		typ := string(p[i+4 : i+8])
		hdr := uint64(8)
		switch size {
		case 0:
			size = uint64(len(p) - i)
		case 1:
			if len(p)-i < 16 {
				return fmt.Errorf("truncated %q box header", typ)
			}
			size, hdr = binary.BigEndian.Uint64(p[i+8:]), 16
		}
		if size < hdr || size > uint64(len(p)-i) {
			return fmt.Errorf("%q box runs past the end of its container", typ)
		}
		if err := f(typ, p[i+int(hdr):i+int(size)]); err != nil {
			return err
		}
		i += int(size)
	}
	return nil
}

// parseHEIFItems reads the item structure of the first meta box of b.
func parseHEIFItems(b []byte) (*heifFile, error) {
	var meta []byte
	err := heifBoxes(b, func(typ string, p []byte) error {
		if typ == "meta" && meta == nil {
			meta = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(meta) < 4 {
		return nil, errors.New("no meta box: not a still image")
	}
	f := &heifFile{b: b, items: map[uint32]*heifItem{}}
	item := func(id uint32) (*heifItem, error) {
		it := f.items[id]
		if it == nil {
			if len(f.items) >= heifMaxItems {
				return nil, errors.New("too many items")
			}
			it = &heifItem{id: id}
			f.items[id] = it
		}
		return it, nil
	}
	var ipco [][2]any // property boxes in order: type, payload
	var ipma []byte
	havePitm := false
	err = heifBoxes(meta[4:], func(typ string, p []byte) error {
		switch typ {
		case "pitm":
			r := &heifReader{p: p}
			v := r.u8()
			r.skip(3)
			f.primary = r.id(v != 0)
			if r.bad {
				return errors.New("truncated pitm box")
			}
			havePitm = true
		case "iinf":
			if len(p) < 4 {
				return errors.New("truncated iinf box")
			}
			n := 6
			if p[0] != 0 {
				n = 8
			}
			if len(p) < n {
				return errors.New("truncated iinf box")
			}
			return heifBoxes(p[n:], func(typ string, p []byte) error {
				if typ != "infe" {
					return nil
				}
				r := &heifReader{p: p}
				v := r.u8()
				r.skip(3)
				if v < 2 {
					return nil // no item type: not an image item
				}
				id := r.id(v != 2)
				r.skip(2) // item_protection_index
				t := r.fourcc()
				if r.bad {
					return errors.New("truncated infe box")
				}
				it, err := item(id)
				if err != nil {
					return err
				}
				it.typ = t
				return nil
			})
		case "iloc":
			return f.parseIloc(p, item)
		case "iref":
			return f.parseIref(p, item)
		case "idat":
			f.idat = p
		case "iprp":
			return heifBoxes(p, func(typ string, p []byte) error {
				switch typ {
				case "ipco":
					return heifBoxes(p, func(typ string, p []byte) error {
						if len(ipco) >= 1<<15 {
							return errors.New("too many item properties")
						}
						ipco = append(ipco, [2]any{typ, p})
						return nil
					})
				case "ipma":
					if ipma == nil {
						ipma = p
					}
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !havePitm {
		return nil, errors.New("no primary item (pitm)")
	}
	if ipma != nil {
		if err := f.applyProperties(ipma, ipco); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *heifFile) parseIloc(p []byte, item func(uint32) (*heifItem, error)) error {
	r := &heifReader{p: p}
	v := r.u8()
	r.skip(3)
	if v > 2 {
		return fmt.Errorf("iloc version %d", v)
	}
	s := r.u16()
	offSize, lenSize, baseSize, idxSize := int(s>>12), int(s>>8&15), int(s>>4&15), int(s&15)
	if v == 0 {
		idxSize = 0
	}
	count := r.id(v >= 2)
	if count > heifMaxItems {
		return errors.New("too many items in iloc")
	}
	for range count {
		id := r.id(v >= 2)
		method := 0
		if v > 0 {
			method = int(r.u16() & 15)
		}
		dref := r.u16()
		base := r.uN(baseSize)
		n := int(r.u16())
		if r.bad {
			return errors.New("truncated iloc box")
		}
		it, err := item(id)
		if err != nil {
			return err
		}
		if it.hasLoc {
			return fmt.Errorf("item %d is located twice", id)
		}
		if n > heifMaxExtents {
			return fmt.Errorf("item %d has %d extents", id, n)
		}
		it.hasLoc, it.method = true, method
		if dref != 0 {
			it.method = -1 // data in another file: never decoded
		}
		for range n {
			r.uN(idxSize)
			off := r.uN(offSize)
			l := r.uN(lenSize)
			if r.bad {
				return errors.New("truncated iloc box")
			}
			if off > 1<<62 || base > 1<<62 {
				return fmt.Errorf("item %d has an extent past the end of the file", id)
			}
			it.ext = append(it.ext, heifExtent{base + off, l})
		}
	}
	return nil
}

func (f *heifFile) parseIref(p []byte, item func(uint32) (*heifItem, error)) error {
	if len(p) < 4 {
		return errors.New("truncated iref box")
	}
	wide := p[0] != 0
	return heifBoxes(p[4:], func(typ string, p []byte) error {
		if typ != "dimg" && typ != "auxl" {
			return nil
		}
		r := &heifReader{p: p}
		from := r.id(wide)
		n := int(r.u16())
		it, err := item(from)
		if err != nil {
			return err
		}
		for range n {
			to := r.id(wide)
			if r.bad {
				return fmt.Errorf("truncated %q reference", typ)
			}
			if typ == "dimg" {
				if len(it.dimg) >= heifMaxInputs {
					return fmt.Errorf("item %d derives from more than %d images", from, heifMaxInputs)
				}
				it.dimg = append(it.dimg, to)
			} else if len(it.auxl) < 16 {
				it.auxl = append(it.auxl, to)
			}
		}
		return nil
	})
}

// applyProperties gives each item the properties ipma associates with it.
func (f *heifFile) applyProperties(p []byte, ipco [][2]any) error {
	r := &heifReader{p: p}
	v := r.u8()
	r.skip(2)
	flags := r.u8()
	n := r.u32()
	if r.bad || n > heifMaxItems {
		return errors.New("truncated ipma box")
	}
	for range n {
		id := r.id(v >= 1)
		k := int(r.u8())
		it := f.items[id]
		for range k {
			var idx int
			if flags&1 != 0 {
				idx = int(r.u16() & 0x7fff)
			} else {
				idx = int(r.u8() & 0x7f)
			}
			if r.bad {
				return errors.New("truncated ipma box")
			}
			if it == nil || idx == 0 || idx > len(ipco) {
				continue
			}
			typ, pp := ipco[idx-1][0].(string), ipco[idx-1][1].([]byte)
			pr := &heifReader{p: pp}
			switch typ {
			case "ispe":
				pr.skip(4)
				it.w, it.h = pr.u32(), pr.u32()
				if pr.bad {
					return errors.New("truncated ispe property")
				}
			case "hvcC":
				it.hvcC = pp
			case "av1C":
				it.av1C = pp
			case "irot":
				it.transforms = append(it.transforms, typ)
				it.irot = int(pr.u8() & 3)
			case "imir", "clap":
				it.transforms = append(it.transforms, typ)
			case "colr":
				if pr.fourcc() == "nclx" { // libheif keeps the last
					c := &heifNCLX{primaries: uint16(pr.u16()), transfer: uint16(pr.u16()), matrix: uint16(pr.u16())}
					c.fullRange = pr.u8()&0x80 != 0
					if !pr.bad {
						it.nclx = c
					}
				}
			case "auxC":
				if len(pp) > 4 {
					urn := string(pp[4:])
					it.alpha = strings.HasPrefix(urn, "urn:mpeg:hevc:2015:auxid:1\x00") ||
						strings.HasPrefix(urn, "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha")
				}
			}
		}
	}
	return nil
}

// data returns the bytes of an item, from the file or from idat.
func (f *heifFile) data(it *heifItem) ([]byte, error) {
	if !it.hasLoc {
		return nil, fmt.Errorf("item %d has no data", it.id)
	}
	var src []byte
	switch it.method {
	case 0:
		src = f.b
	case 1:
		src = f.idat
	default:
		return nil, fmt.Errorf("item %d: data stored elsewhere is not supported", it.id)
	}
	if len(it.ext) == 0 {
		return nil, fmt.Errorf("item %d has no data", it.id)
	}
	if len(it.ext) == 1 {
		e := it.ext[0]
		if e.n == 0 { // the whole rest of the source
			if e.off > uint64(len(src)) {
				return nil, fmt.Errorf("item %d lies past the end of the file", it.id)
			}
			return src[e.off:], nil
		}
		if e.off > uint64(len(src)) || e.n > uint64(len(src))-e.off {
			return nil, fmt.Errorf("item %d lies past the end of the file: truncated", it.id)
		}
		return src[e.off : e.off+e.n], nil
	}
	var out []byte
	for _, e := range it.ext {
		if e.n == 0 || e.off > uint64(len(src)) || e.n > uint64(len(src))-e.off {
			return nil, fmt.Errorf("item %d lies past the end of the file: truncated", it.id)
		}
		if uint64(len(out))+e.n > uint64(len(f.b)) {
			return nil, fmt.Errorf("item %d is larger than the file", it.id)
		}
		out = append(out, src[e.off:e.off+e.n]...)
	}
	return out, nil
}

// heifPlan is what checking the primary image found.
type heifPlan struct {
	w, h   int // the primary image's size as stored (ispe), before rotation
	pixels int64
	inputs int
}

// checkHEIFItems reads the item structure of b and checks that decoding its
// primary image stays within Veil's bounds (see the top of this file).
func checkHEIFItems(b []byte) error {
	_, err := planHEIF(b)
	return err
}

func planHEIF(b []byte) (*heifPlan, error) {
	f, err := parseHEIFItems(b)
	if err != nil {
		return nil, err
	}
	prim := f.items[f.primary]
	if prim == nil || prim.typ == "" {
		return nil, fmt.Errorf("primary item %d is not described", f.primary)
	}
	if prim.w == 0 || prim.h == 0 {
		return nil, fmt.Errorf("primary image has no size (ispe)")
	}
	if err := checkSize(int(prim.w), int(prim.h)); err != nil {
		return nil, err
	}
	plan := &heifPlan{w: int(prim.w), h: int(prim.h)}
	onPath := map[uint32]bool{}
	if err := f.visit(prim, 0, onPath, plan); err != nil {
		return nil, err
	}
	// libheif decodes the primary image's alpha plane with it.
	for _, it := range f.items {
		if !it.alpha {
			continue
		}
		for _, to := range it.auxl {
			if to == f.primary {
				if err := f.visit(it, 1, onPath, plan); err != nil {
					return nil, fmt.Errorf("alpha plane: %w", err)
				}
				break
			}
		}
	}
	return plan, nil
}

// visit checks one image to decode and, for derived images, its inputs.
func (f *heifFile) visit(it *heifItem, depth int, onPath map[uint32]bool, plan *heifPlan) error {
	if depth > heifMaxDerive {
		return errors.New("images derived too deeply")
	}
	if onPath[it.id] {
		return fmt.Errorf("image item %d is derived from itself", it.id)
	}
	onPath[it.id] = true
	defer delete(onPath, it.id)
	if plan.inputs++; plan.inputs > heifMaxInputs {
		return fmt.Errorf("more than %d images to decode", heifMaxInputs)
	}
	if it.w > MaxSide || it.h > MaxSide || (it.typ != "iden" && (it.w == 0 || it.h == 0)) {
		return fmt.Errorf("image item %d is %dx%d pixels", it.id, it.w, it.h)
	}
	switch it.typ {
	case "hvc1", "av01":
		plan.pixels += int64(it.w) * int64(it.h)
		if plan.pixels > heifPixelBudget {
			return fmt.Errorf("%w: decoding needs more than %d megapixels", ErrTooLarge, heifPixelBudget/1_000_000)
		}
		return f.checkCoded(it)
	case "grid":
		return f.checkGrid(it, depth, onPath, plan)
	case "iden":
		if len(it.dimg) != 1 {
			return fmt.Errorf("identity image item %d has %d inputs", it.id, len(it.dimg))
		}
		in := f.items[it.dimg[0]]
		if in == nil {
			return fmt.Errorf("image item %d derives from missing item %d", it.id, it.dimg[0])
		}
		return f.visit(in, depth+1, onPath, plan)
	case "iovl":
		return f.checkOverlay(it, depth, onPath, plan)
	}
	return fmt.Errorf("unsupported image type %q", it.typ)
}

// inputs returns the coded images a grid or overlay is made of.
func (f *heifFile) inputs(it *heifItem) ([]*heifItem, error) {
	if len(it.dimg) == 0 {
		return nil, fmt.Errorf("%s image item %d has no inputs", it.typ, it.id)
	}
	in := make([]*heifItem, len(it.dimg))
	for i, id := range it.dimg {
		in[i] = f.items[id]
		if in[i] == nil {
			return nil, fmt.Errorf("image item %d derives from missing item %d", it.id, id)
		}
	}
	return in, nil
}

func (f *heifFile) checkGrid(it *heifItem, depth int, onPath map[uint32]bool, plan *heifPlan) error {
	d, err := f.data(it)
	if err != nil {
		return err
	}
	r := &heifReader{p: d}
	r.skip(1) // version
	flags := r.u8()
	rows, cols := int(r.u8())+1, int(r.u8())+1
	size := 2
	if flags&1 != 0 {
		size = 4
	}
	ow, oh := r.uN(size), r.uN(size)
	if r.bad {
		return fmt.Errorf("grid image item %d: truncated description", it.id)
	}
	if ow != uint64(it.w) || oh != uint64(it.h) {
		return fmt.Errorf("grid image item %d is %dx%d, its size says %dx%d", it.id, ow, oh, it.w, it.h)
	}
	tiles, err := f.inputs(it)
	if err != nil {
		return err
	}
	if len(tiles) != rows*cols {
		return fmt.Errorf("grid of %dx%d tiles lists %d", cols, rows, len(tiles))
	}
	tw, th := uint64(tiles[0].w), uint64(tiles[0].h)
	for _, t := range tiles {
		if t.typ != "hvc1" && t.typ != "av01" {
			return fmt.Errorf("grid tile %d is a %q image, not a coded one", t.id, t.typ)
		}
		if uint64(t.w) != tw || uint64(t.h) != th {
			return fmt.Errorf("grid tiles differ in size (%dx%d and %dx%d)", tw, th, t.w, t.h)
		}
	}
	// The tiles must cover the canvas (libheif leaves uncovered pixels
	// uninitialised), and no whole row or column may lie outside it.
	if tw*uint64(cols) < ow || th*uint64(rows) < oh || tw*uint64(cols-1) >= ow || th*uint64(rows-1) >= oh {
		return fmt.Errorf("grid of %dx%d tiles of %dx%d does not fit its %dx%d canvas", cols, rows, tw, th, ow, oh)
	}
	for _, t := range tiles {
		if err := f.visit(t, depth+1, onPath, plan); err != nil {
			return err
		}
	}
	return nil
}

func (f *heifFile) checkOverlay(it *heifItem, depth int, onPath map[uint32]bool, plan *heifPlan) error {
	d, err := f.data(it)
	if err != nil {
		return err
	}
	r := &heifReader{p: d}
	r.skip(1) // version
	flags := r.u8()
	r.skip(8) // canvas fill colour
	size := 2
	if flags&1 != 0 {
		size = 4
	}
	ow, oh := r.uN(size), r.uN(size)
	if r.bad {
		return fmt.Errorf("overlay image item %d: truncated description", it.id)
	}
	if ow == 0 || oh == 0 || ow > MaxSide || oh > MaxSide || ow*oh > MaxPixels {
		return fmt.Errorf("%w: overlay canvas is %dx%d", ErrTooLarge, ow, oh)
	}
	plan.pixels += int64(ow * oh)
	in, err := f.inputs(it)
	if err != nil {
		return err
	}
	for _, t := range in {
		if t.typ != "hvc1" && t.typ != "av01" && t.typ != "grid" {
			return fmt.Errorf("overlay input %d is a %q image", t.id, t.typ)
		}
		if err := f.visit(t, depth+1, onPath, plan); err != nil {
			return err
		}
	}
	return nil
}

// checkCoded checks a coded image's data and the picture size its sequence
// headers declare.
func (f *heifFile) checkCoded(it *heifItem) error {
	d, err := f.data(it)
	if err != nil {
		return err
	}
	if len(d) == 0 {
		return fmt.Errorf("image item %d has no data", it.id)
	}
	// Coding may pad a picture to whole blocks (64 pixels at most in HEVC
	// and AV1), which the item's size then crops.
	maxW, maxH := int64(it.w)+64, int64(it.h)+64
	check := func(w, h int64, what string) error {
		if w <= 0 || h <= 0 || w > maxW || h > maxH {
			return fmt.Errorf("%s declares a %dx%d picture in image item %d of %dx%d", what, w, h, it.id, it.w, it.h)
		}
		return nil
	}
	if it.typ == "hvc1" {
		return checkHEVC(it.hvcC, d, check)
	}
	return checkAV1(it.av1C, d, check)
}
