package photo

import (
	"encoding/binary"
	"os"
	"testing"
)

// Builders for HEIF files with a chosen item structure, made from the coded
// picture of testdata/heif/small.heic (96x64, HEVC): grids, overlays,
// derivations and lies about sizes, for the item checks and the decoders.

type tItem struct {
	id    uint32
	typ   string
	data  []byte
	props []int // 1-based indexes into tFile.props
	idat  bool  // stored in idat (construction method 1) instead of mdat
}

type tRef struct {
	typ  string
	from uint32
	to   []uint32
}

type tFile struct {
	primary uint32
	items   []tItem
	props   [][]byte // whole property boxes, in ipco order
	refs    []tRef
}

func fullBox(typ string, version byte, payload ...[]byte) []byte {
	return bmffBox(typ, append([]byte{version, 0, 0, 0}, cat(payload...)...))
}

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func be32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

func ispeBox(w, h int) []byte { return fullBox("ispe", 0, be32(w), be32(h)) }

// gridData is the payload of a grid item: rows×cols tiles on a w×h canvas.
func gridData(rows, cols, w, h int) []byte {
	return cat([]byte{0, 0, byte(rows - 1), byte(cols - 1)}, be16(w), be16(h))
}

// overlayData is the payload of an iovl item with n inputs at (0,0).
func overlayData(n, w, h int) []byte {
	b := cat([]byte{0, 0}, make([]byte, 8), be16(w), be16(h))
	for range n {
		b = append(b, 0, 0, 0, 0)
	}
	return b
}

func (f tFile) bytes() []byte {
	build := func(mdatAt int) (meta, mdat []byte) {
		var infe, iloc, ipma, idat, refs [][]byte
		for _, it := range f.items {
			infe = append(infe, fullBox("infe", 2, be16(int(it.id)), be16(0), []byte(it.typ), []byte{0}))
			var off int
			method := 0
			if it.idat {
				method = 1
				off = len(cat(idat...))
				idat = append(idat, it.data)
			} else {
				off = mdatAt + 8 + len(mdat)
				mdat = append(mdat, it.data...)
			}
			iloc = append(iloc, be16(int(it.id)), be16(method), be16(0), be16(1), be32(off), be32(len(it.data)))
			entry := cat(be16(int(it.id)), []byte{byte(len(it.props))})
			for _, p := range it.props {
				entry = append(entry, byte(p))
			}
			ipma = append(ipma, entry)
		}
		for _, r := range f.refs {
			b := cat(be16(int(r.from)), be16(len(r.to)))
			for _, t := range r.to {
				b = append(b, be16(int(t))...)
			}
			refs = append(refs, bmffBox(r.typ, b))
		}
		meta = fullBox("meta", 0,
			fullBox("hdlr", 0, be32(0), []byte("pict"), make([]byte, 13)),
			fullBox("pitm", 0, be16(int(f.primary))),
			fullBox("iinf", 0, be16(len(f.items)), cat(infe...)),
			fullBox("iref", 0, cat(refs...)),
			bmffBox("iprp", bmffBox("ipco", cat(f.props...)), fullBox("ipma", 0, be32(len(f.items)), cat(ipma...))),
			fullBox("iloc", 1, []byte{0x44, 0x00}, be16(len(f.items)), cat(iloc...)),
			bmffBox("idat", cat(idat...)),
		)
		return meta, mdat
	}
	meta, _ := build(0)
	at := len(heifFtyp) + len(meta)
	meta, mdat := build(at)
	return cat(heifFtyp, meta, bmffBox("mdat", mdat))
}

// smallHEVC returns the hvcC property and the coded data of small.heic.
func smallHEVC(t testing.TB) (hvcC, data []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/heif/small.heic")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseHEIFItems(b)
	if err != nil {
		t.Fatal(err)
	}
	it := f.items[f.primary]
	d, err := f.data(it)
	if err != nil {
		t.Fatal(err)
	}
	return bmffBox("hvcC", it.hvcC), d
}

// tileFile is a grid of rows×cols copies of small.heic's picture (96x64)
// on a w×h canvas; items 10, 11, ... are the tiles, 1 the grid.
func tileFile(t testing.TB, rows, cols, w, h int) tFile {
	hvcC, data := smallHEVC(t)
	f := tFile{primary: 1, props: [][]byte{hvcC, ispeBox(96, 64), ispeBox(w, h)}}
	f.items = append(f.items, tItem{id: 1, typ: "grid", data: gridData(rows, cols, w, h), props: []int{3}, idat: true})
	ref := tRef{typ: "dimg", from: 1}
	for i := range rows * cols {
		id := uint32(10 + i)
		f.items = append(f.items, tItem{id: id, typ: "hvc1", data: data, props: []int{1, 2}})
		ref.to = append(ref.to, id)
	}
	f.refs = []tRef{ref}
	return f
}

// singleFile is small.heic's picture as a single coded item with the given
// ispe size.
func singleFile(t testing.TB, w, h int) tFile {
	hvcC, data := smallHEVC(t)
	return tFile{primary: 1, props: [][]byte{hvcC, ispeBox(w, h)},
		items: []tItem{{id: 1, typ: "hvc1", data: data, props: []int{1, 2}}}}
}
