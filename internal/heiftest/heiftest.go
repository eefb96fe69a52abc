// Package heiftest builds HEIF files with a chosen item structure for tests:
// grids, overlays, derivations and lies about sizes, made from the coded
// picture of a small real file (photo/testdata/heif/small.heic).
package heiftest

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Box returns an ISO-BMFF box of type typ holding payload.
func Box(typ string, payload ...[]byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(bytes.Join(payload, nil))))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// FullBox returns a box with a version and zero flags before payload.
func FullBox(typ string, version byte, payload ...[]byte) []byte {
	return Box(typ, append([]byte{version, 0, 0, 0}, bytes.Join(payload, nil)...))
}

// Ftyp is the file type box of a HEIC file.
var Ftyp = Box("ftyp", []byte("heic\x00\x00\x00\x00mif1heic"))

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func be32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

// ISPE is an image size property.
func ISPE(w, h int) []byte { return FullBox("ispe", 0, be32(w), be32(h)) }

// GridData is the payload of a grid item: rows×cols tiles on a w×h canvas.
func GridData(rows, cols, w, h int) []byte {
	return append([]byte{0, 0, byte(rows - 1), byte(cols - 1)}, append(be16(w), be16(h)...)...)
}

// OverlayData is the payload of an iovl item with n inputs at (0,0) on a
// w×h canvas.
func OverlayData(n, w, h int) []byte {
	b := append([]byte{0, 0}, make([]byte, 8)...)
	b = append(b, be16(w)...)
	b = append(b, be16(h)...)
	for range n {
		b = append(b, 0, 0, 0, 0)
	}
	return b
}

// Item is one item of a File.
type Item struct {
	ID    uint32
	Type  string
	Data  []byte
	Props []int // 1-based indexes into File.Props
	IDat  bool  // stored in idat (construction method 1) instead of mdat
}

// Ref is one item reference (dimg, auxl, ...).
type Ref struct {
	Type string
	From uint32
	To   []uint32
}

// File describes a HEIF file to build.
type File struct {
	Primary uint32
	Items   []Item
	Props   [][]byte // whole property boxes, in ipco order
	Refs    []Ref
}

// Bytes builds the file: ftyp, meta (hdlr, pitm, iinf, iref, iprp, iloc,
// idat) and mdat.
func (f File) Bytes() []byte {
	build := func(mdatAt int) (meta, mdat []byte) {
		var infe, iloc, ipma, idat, refs [][]byte
		idatLen := 0
		for _, it := range f.Items {
			infe = append(infe, FullBox("infe", 2, be16(int(it.ID)), be16(0), []byte(it.Type), []byte{0}))
			var off int
			method := 0
			if it.IDat {
				method = 1
				off = idatLen
				idatLen += len(it.Data)
				idat = append(idat, it.Data)
			} else {
				off = mdatAt + 8 + len(mdat)
				mdat = append(mdat, it.Data...)
			}
			iloc = append(iloc, be16(int(it.ID)), be16(method), be16(0), be16(1), be32(off), be32(len(it.Data)))
			entry := append(be16(int(it.ID)), byte(len(it.Props)))
			for _, p := range it.Props {
				entry = append(entry, byte(p))
			}
			ipma = append(ipma, entry)
		}
		for _, r := range f.Refs {
			b := append(be16(int(r.From)), be16(len(r.To))...)
			for _, t := range r.To {
				b = append(b, be16(int(t))...)
			}
			refs = append(refs, Box(r.Type, b))
		}
		j := func(p [][]byte) []byte { return bytes.Join(p, nil) }
		meta = FullBox("meta", 0,
			FullBox("hdlr", 0, be32(0), []byte("pict"), make([]byte, 13)),
			FullBox("pitm", 0, be16(int(f.Primary))),
			FullBox("iinf", 0, be16(len(f.Items)), j(infe)),
			FullBox("iref", 0, j(refs)),
			Box("iprp", Box("ipco", j(f.Props)), FullBox("ipma", 0, be32(len(f.Items)), j(ipma))),
			FullBox("iloc", 1, []byte{0x44, 0x00}, be16(len(f.Items)), j(iloc)),
			Box("idat", j(idat)),
		)
		return meta, mdat
	}
	meta, _ := build(0)
	meta, mdat := build(len(Ftyp) + len(meta))
	return bytes.Join([][]byte{Ftyp, meta, Box("mdat", mdat)}, nil)
}

// Tile returns the hvcC property box and the coded data of a file with a
// single HEVC picture in its mdat, as heif-enc writes one (small.heic).
func Tile(heic []byte) (hvcC, data []byte, err error) {
	i := bytes.Index(heic, []byte("hvcC"))
	m := bytes.LastIndex(heic, []byte("mdat"))
	if i < 4 || m < 4 {
		return nil, nil, fmt.Errorf("no hvcC or mdat")
	}
	n := int(binary.BigEndian.Uint32(heic[i-4:]))
	mn := int(binary.BigEndian.Uint32(heic[m-4:]))
	if i-4+n > len(heic) || m-4+mn > len(heic) || n < 8 || mn < 8 {
		return nil, nil, fmt.Errorf("box past the end")
	}
	return heic[i-4 : i-4+n], heic[m+4 : m-4+mn], nil
}

// Single is a file whose primary item 1 is the coded picture, claiming to
// be w×h.
func Single(hvcC, data []byte, w, h int) File {
	return File{Primary: 1, Props: [][]byte{hvcC, ISPE(w, h)},
		Items: []Item{{ID: 1, Type: "hvc1", Data: data, Props: []int{1, 2}}}}
}

// Grid is a grid (item 1) of rows×cols copies of the coded picture (items
// 10, 11, ...; each tw×th) on a w×h canvas.
func Grid(hvcC, data []byte, tw, th, rows, cols, w, h int) File {
	f := File{Primary: 1, Props: [][]byte{hvcC, ISPE(tw, th), ISPE(w, h)}}
	f.Items = append(f.Items, Item{ID: 1, Type: "grid", Data: GridData(rows, cols, w, h), Props: []int{3}, IDat: true})
	ref := Ref{Type: "dimg", From: 1}
	for i := range rows * cols {
		id := uint32(10 + i)
		f.Items = append(f.Items, Item{ID: id, Type: "hvc1", Data: data, Props: []int{1, 2}})
		ref.To = append(ref.To, id)
	}
	f.Refs = []Ref{ref}
	return f
}
