package metadata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/printable"
)

// bmffBox is one ISO-BMFF box: its type, its whole extent, and its payload
// (after the header, the 16-byte uuid type, and for full boxes nothing more:
// callers skip version and flags themselves).
type bmffBox struct {
	typ        string
	start, end int
	data       []byte
}

// walkBoxes splits b[i:limit] into boxes.
func walkBoxes(b []byte, i, limit int) ([]bmffBox, error) {
	var out []bmffBox
	for i < limit {
		if len(out) >= jpegseg.MaxSegments {
			return out, jpegseg.ErrTooMany
		}
		if limit-i < 8 {
			return out, fmt.Errorf("truncated HEIF: %d stray bytes at offset %d", limit-i, i)
		}
		size := int64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		hdr := 8
		switch size {
		case 0:
			size = int64(limit - i)
		case 1:
			if limit-i < 16 {
				return out, fmt.Errorf("truncated HEIF: %q box at offset %d", typ, i)
			}
			u := binary.BigEndian.Uint64(b[i+8:])
			if u > uint64(limit-i) {
				return out, fmt.Errorf("truncated HEIF: %q box at offset %d claims %d bytes", typ, i, u)
			}
			size, hdr = int64(u), 16
		}
		if typ == "uuid" {
			hdr += 16
		}
		if size < int64(hdr) || size > int64(limit-i) {
			return out, fmt.Errorf("truncated HEIF: %q box at offset %d claims %d bytes", printable.String(typ), i, size)
		}
		out = append(out, bmffBox{typ: typ, start: i, end: i + int(size), data: b[i+hdr : i+int(size)]})
		i += int(size)
	}
	return out, nil
}

// heifItem is one item of a HEIF meta box, with what the boxes say about it.
type heifItem struct {
	id          uint32
	typ         string // item_type, e.g. "hvc1", "grid", "Exif", "mime"
	contentType string // mime items
	extents     [][2]int
	offset      int // of the first extent, or of the infe box when there is none
	refs        map[string][]uint32
	auxType     string
	props       []bmffBox // associated properties (ipco boxes)
}

// heifFile is the parsed structure of a HEIF file.
type heifFile struct {
	boxes   []Block // every box, in file order, depth-first
	items   []*heifItem
	primary uint32
}

// containerBoxes are the boxes whose payload is a sequence of boxes (meta,
// iinf and iref also, after their version fields: handled separately).
var containerBoxes = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true, "udta": true,
	"dinf": true, "iprp": true, "ipco": true, "grpl": true, "edts": true, "mvex": true, "moof": true, "traf": true,
}

// walkHEIF parses the box structure and the meta items of an ISO-BMFF file.
func walkHEIF(b []byte) (*heifFile, error) {
	if len(b) < 12 || string(b[4:8]) != "ftyp" {
		return nil, errors.New("not a HEIF (no ftyp box)")
	}
	f := &heifFile{}
	items := map[uint32]*heifItem{}
	item := func(id uint32) *heifItem {
		it := items[id]
		if it == nil {
			if len(items) >= 1<<16 {
				return &heifItem{id: id, refs: map[string][]uint32{}}
			}
			it = &heifItem{id: id, refs: map[string][]uint32{}}
			items[id] = it
			f.items = append(f.items, it)
		}
		return it
	}
	var props []bmffBox
	var assoc [][2]uint32 // item, property index (1-based)
	var idat *bmffBox
	type pending struct {
		it      *heifItem
		method  int
		extents [][2]int64
	}
	var locs []pending

	var walk func(boxes []bmffBox, depth int, parent string) error
	walk = func(boxes []bmffBox, depth int, parent string) error {
		for _, bx := range boxes {
			if len(f.boxes) >= jpegseg.MaxSegments {
				return jpegseg.ErrTooMany
			}
			f.boxes = append(f.boxes, Block{Kind: "box", Name: printable.String(bx.typ), Offset: bx.start, Data: bx.data})
			if depth >= 8 {
				continue
			}
			r := reader{b: bx.data}
			base := bx.start + (len(b[bx.start:bx.end]) - len(bx.data))
			switch {
			case bx.typ == "meta":
				r.skip(4)
				kids, err := walkBoxes(b, base+4, bx.end)
				if err != nil {
					return err
				}
				if err := walk(kids, depth+1, "meta"); err != nil {
					return err
				}
			case containerBoxes[bx.typ]:
				kids, err := walkBoxes(b, base, bx.end)
				if err != nil {
					return err
				}
				if bx.typ == "ipco" {
					props = append(props, kids...)
				}
				if err := walk(kids, depth+1, bx.typ); err != nil {
					return err
				}
			case bx.typ == "iinf" && parent == "meta":
				v := r.u8()
				r.skip(3)
				if v == 0 {
					r.skip(2)
				} else {
					r.skip(4)
				}
				if r.err != nil {
					return fmt.Errorf("truncated HEIF: iinf box")
				}
				kids, err := walkBoxes(b, base+r.i, bx.end)
				if err != nil {
					return err
				}
				for _, k := range kids {
					if k.typ == "infe" {
						parseInfe(k, item)
					}
				}
				if err := walk(kids, depth+1, "iinf"); err != nil {
					return err
				}
			case bx.typ == "iref" && parent == "meta":
				v := r.u8()
				r.skip(3)
				kids, err := walkBoxes(b, base+4, bx.end)
				if err != nil {
					return err
				}
				for _, k := range kids {
					kr := reader{b: k.data}
					from := kr.id(v != 0)
					n := int(kr.u16())
					for j := 0; j < n && kr.err == nil; j++ {
						to := kr.id(v != 0)
						if kr.err == nil {
							it := item(from)
							if len(it.refs[k.typ]) < 4096 {
								it.refs[k.typ] = append(it.refs[k.typ], to)
							}
						}
					}
				}
				if err := walk(kids, depth+1, "iref"); err != nil {
					return err
				}
			case bx.typ == "pitm":
				v := r.u8()
				r.skip(3)
				f.primary = r.id(v != 0)
			case bx.typ == "idat":
				bb := bx
				idat = &bb
			case bx.typ == "ipma":
				v := r.u8()
				r.skip(2)
				flags := r.u8()
				n := r.u32()
				for j := uint32(0); j < n && r.err == nil && len(assoc) < 1<<16; j++ {
					id := r.id(v >= 1)
					cnt := int(r.u8())
					for k := 0; k < cnt && r.err == nil; k++ {
						var idx uint32
						if flags&1 != 0 {
							idx = uint32(r.u16() & 0x7FFF)
						} else {
							idx = uint32(r.u8() & 0x7F)
						}
						assoc = append(assoc, [2]uint32{id, idx})
					}
				}
			case bx.typ == "iloc":
				v := r.u8()
				r.skip(3)
				sz := r.u8()
				sz2 := r.u8()
				offSize, lenSize, baseSize, idxSize := int(sz>>4), int(sz&15), int(sz2>>4), int(sz2&15)
				if v == 0 {
					idxSize = 0
				}
				var n uint32
				if v < 2 {
					n = uint32(r.u16())
				} else {
					n = r.u32()
				}
				for j := uint32(0); j < n && r.err == nil && len(locs) < 1<<16; j++ {
					p := pending{it: item(r.id(v >= 2))}
					if v == 1 || v == 2 {
						p.method = int(r.u16() & 15)
					}
					r.skip(2) // data_reference_index
					baseOff := r.uintN(baseSize)
					ne := int(r.u16())
					for k := 0; k < ne && r.err == nil; k++ {
						r.uintN(idxSize)
						o := r.uintN(offSize)
						l := r.uintN(lenSize)
						if len(p.extents) < 1024 {
							p.extents = append(p.extents, [2]int64{int64(baseOff + o), int64(l)})
						}
					}
					locs = append(locs, p)
				}
				if r.err != nil {
					return fmt.Errorf("truncated HEIF: iloc box")
				}
			}
		}
		return nil
	}
	top, err := walkBoxes(b, 0, len(b))
	if werr := walk(top, 0, ""); err == nil {
		err = werr
	}
	for _, p := range locs {
		for _, e := range p.extents {
			off, n := e[0], e[1]
			switch p.method {
			case 0:
			case 1:
				if idat == nil {
					continue
				}
				off += int64(idat.start + (idat.end - idat.start - len(idat.data)))
			default:
				continue
			}
			if n == 0 { // length 0 means "to the end of the file"
				n = int64(len(b)) - off
			}
			if off >= 0 && n >= 0 && off <= int64(len(b)) && n <= int64(len(b))-off {
				p.it.extents = append(p.it.extents, [2]int{int(off), int(off + n)})
			}
		}
	}
	for _, a := range assoc {
		if a[1] == 0 || int(a[1]) > len(props) {
			continue
		}
		pr := props[a[1]-1]
		it := item(a[0])
		if len(it.props) < 64 {
			it.props = append(it.props, pr)
		}
		if pr.typ == "auxC" && len(pr.data) > 4 {
			s := pr.data[4:]
			if k := bytes.IndexByte(s, 0); k >= 0 {
				s = s[:k]
			}
			it.auxType = printable.String(string(s))
		}
	}
	return f, err
}

// parseInfe reads an item info entry (versions 0 to 3).
func parseInfe(k bmffBox, item func(uint32) *heifItem) {
	r := reader{b: k.data}
	v := r.u8()
	r.skip(3)
	var it *heifItem
	if v >= 2 {
		it = item(r.id(v >= 3))
		r.skip(2)
		it.typ = printable.String(string(r.bytes(4)))
		r.cstring() // item_name
		if it.typ == "mime" || it.typ == "uri " {
			it.contentType = printable.String(r.cstring())
		}
	} else {
		it = item(uint32(r.u16()))
		r.skip(2)
		r.cstring()
		it.typ = "mime"
		it.contentType = printable.String(r.cstring())
	}
	it.offset = k.start
}

// primaryICC returns the ICC profile of the primary item's colr property
// ("prof" or "rICC"), or nil.
func (f *heifFile) primaryICC() []byte {
	for _, it := range f.items {
		if it.id != f.primary {
			continue
		}
		for _, p := range it.props {
			if p.typ == "colr" && len(p.data) > 4 && (string(p.data[:4]) == "prof" || string(p.data[:4]) == "rICC") {
				return p.data[4:]
			}
		}
	}
	return nil
}

// exifTIFF returns the TIFF structure of the first Exif item (its data
// starts with a 4-byte offset to the TIFF header), or nil.
func (f *heifFile) exifTIFF(b []byte) []byte {
	for _, it := range f.items {
		if it.typ != "Exif" || len(it.extents) != 1 {
			continue
		}
		d := b[it.extents[0][0]:it.extents[0][1]]
		if len(d) < 4 {
			return nil
		}
		off := int64(binary.BigEndian.Uint32(d)) + 4
		if off > int64(len(d)) {
			return nil
		}
		return d[off:]
	}
	return nil
}

// itemName is the Block name of a HEIF item (see Blocks).
func (f *heifFile) itemName(it *heifItem) string {
	refBy := func(typ string) bool { return len(it.refs[typ]) > 0 }
	switch {
	case it.typ == "Exif":
		return "Exif item"
	case it.typ == "mime":
		return "mime item " + it.contentType
	case it.typ == "uri ":
		return "uri item " + it.contentType
	case refBy("thmb"):
		return "thumbnail item"
	case refBy("auxl"):
		if it.auxType != "" {
			return "auxiliary item " + it.auxType
		}
		return "auxiliary item"
	case it.id == f.primary:
		return "primary item " + it.typ
	case it.typ == "grid":
		return "grid"
	}
	for _, o := range f.items {
		for _, to := range o.refs["dimg"] {
			if to == it.id {
				return "tile item " + it.typ
			}
		}
	}
	if it.typ == "" {
		return "item"
	}
	return "image item " + it.typ
}

// reader reads big-endian fields from a box payload, remembering the first
// overrun instead of panicking.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		r.err = errors.New("short box")
		return make([]byte, max(n, 0))
	}
	p := r.b[r.i : r.i+n]
	r.i += n
	return p
}

func (r *reader) skip(n int) { r.bytes(n) }
func (r *reader) u8() byte   { return r.bytes(1)[0] }
func (r *reader) u16() uint16 {
	return binary.BigEndian.Uint16(r.bytes(2))
}
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.bytes(4)) }

// id reads an item ID: 32 bits when wide, else 16.
func (r *reader) id(wide bool) uint32 {
	if wide {
		return r.u32()
	}
	return uint32(r.u16())
}

// uintN reads an n-byte unsigned integer (n is 0, 4 or 8 in iloc).
func (r *reader) uintN(n int) uint64 {
	switch n {
	case 0:
		return 0
	case 4:
		return uint64(r.u32())
	case 8:
		return binary.BigEndian.Uint64(r.bytes(8))
	}
	r.err = fmt.Errorf("bad iloc field size %d", n)
	return 0
}

func (r *reader) cstring() string {
	if r.err != nil {
		return ""
	}
	k := bytes.IndexByte(r.b[r.i:], 0)
	if k < 0 {
		s := string(r.b[r.i:])
		r.i = len(r.b)
		return s
	}
	s := string(r.b[r.i : r.i+k])
	r.i += k + 1
	return s
}
