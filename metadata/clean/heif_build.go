package clean

import (
	"encoding/binary"

	"codeberg.org/veil/veil/internal/bmff"
)

// heifPlan is everything the rebuilt file holds, ready to be written.
type heifPlan struct {
	src     *heifSource
	ids     []uint32 // kept items, in iinf order
	refs    []bmff.Reference
	props   [][]byte
	assoc   map[uint32][]bmff.Association
	exif    []byte // the TIFF a LocationOnly Exif item holds, or nil
	exifID  uint32 // that item's id (0 without one)
	primary uint32
}

// itemLoc is one item's data in the rebuilt file.
type itemLoc struct {
	id          uint32
	method      int
	off, length int
}

// plan gathers what the rebuilt file holds: the kept items, the dimg
// references between them and the alpha references, and the Exif item,
// which takes the next free id and goes last, its data after the image
// data in mdat.
func (s *heifSource) plan(k *heifKeep, exif []byte) *heifPlan {
	p := &heifPlan{src: s, ids: k.ids, props: k.props, assoc: k.assoc, exif: exif, primary: s.primary}
	for _, r := range s.refs {
		if r.Type == "dimg" && k.items[r.From] {
			p.refs = append(p.refs, r)
		}
	}
	p.refs = append(p.refs, k.alphaRefs...)
	if exif != nil {
		for _, id := range p.ids {
			p.exifID = max(p.exifID, id)
		}
		p.exifID++
		p.refs = append(p.refs, bmff.Reference{Type: "cdsc", From: p.exifID, To: []uint32{s.primary}})
	}
	return p
}

// build writes the meta box and the mdat payload of the rebuilt file, with
// mdat's payload starting at offset mdatStart.
func (p *heifPlan) build(mdatStart int) (meta, mdat []byte) {
	mdat, idat, locs := p.data(mdatStart)
	wide := false
	for _, id := range p.ids {
		wide = wide || id > 0xFFFF
	}
	var inner []byte
	inner = append(inner, fullBoxBytes("hdlr", 0, 0, append(append(make([]byte, 4), "pict"...), make([]byte, 13)...))...)
	inner = append(inner, fullBoxBytes("pitm", btoi(wide), 0, idBytes(p.primary, wide))...)
	inner = append(inner, p.iinf(wide)...)
	if len(p.refs) > 0 {
		inner = append(inner, p.iref(wide)...)
	}
	inner = append(inner, p.iprp(wide)...)
	inner = append(inner, ilocBytes(locs)...)
	if idat != nil {
		inner = append(inner, boxBytes("idat", idat)...)
	}
	return fullBoxBytes("meta", 0, 0, inner), mdat
}

// data copies the kept items' data into a fresh mdat (method 0) or idat
// (method 1) payload, then the Exif item's, and returns where each went.
func (p *heifPlan) data(mdatStart int) (mdat, idat []byte, locs []itemLoc) {
	for _, id := range p.ids {
		it := p.src.items[id]
		if !it.hasLoc {
			continue
		}
		if it.method == 1 {
			o := len(idat)
			for _, e := range it.extents {
				idat = append(idat, p.src.idat[e[0]:e[1]]...)
			}
			locs = append(locs, itemLoc{id, 1, o, len(idat) - o})
			continue
		}
		o := len(mdat)
		for _, e := range it.extents {
			mdat = append(mdat, p.src.b[e[0]:e[1]]...)
		}
		locs = append(locs, itemLoc{id, 0, mdatStart + o, len(mdat) - o})
	}
	if p.exif != nil {
		o := len(mdat)
		mdat = append(append(mdat, 0, 0, 0, 0), p.exif...) // exif_tiff_header_offset 0: the TIFF follows at once
		locs = append(locs, itemLoc{p.exifID, 0, mdatStart + o, len(mdat) - o})
	}
	return mdat, idat, locs
}

// iinf writes the item infos: each kept item unnamed, then the hidden Exif
// item.
func (p *heifPlan) iinf(wide bool) []byte {
	var infes []byte
	for _, id := range p.ids {
		e := append(idBytes(id, wide), 0, 0)
		e = append(e, p.src.items[id].typ...)
		e = append(e, 0) // no item name
		infes = append(infes, fullBoxBytes("infe", 2+btoi(wide), p.src.items[id].flags&1, e)...)
	}
	n := len(p.ids)
	if p.exif != nil {
		n++
		e := append(idBytes(p.exifID, wide), 0, 0)
		infes = append(infes, fullBoxBytes("infe", 2+btoi(wide), 1, append(append(e, "Exif"...), 0))...)
	}
	cnt := binary.BigEndian.AppendUint32(nil, uint32(n))
	if n <= 0xFFFF {
		cnt = cnt[2:]
	}
	return fullBoxBytes("iinf", btoi(n > 0xFFFF), 0, append(cnt, infes...))
}

// iref writes the kept references.
func (p *heifPlan) iref(wide bool) []byte {
	var rs []byte
	for _, r := range p.refs {
		e := idBytes(r.From, wide)
		e = binary.BigEndian.AppendUint16(e, uint16(len(r.To)))
		for _, t := range r.To {
			e = append(e, idBytes(t, wide)...)
		}
		rs = append(rs, boxBytes(r.Type, e)...)
	}
	return fullBoxBytes("iref", btoi(wide), 0, rs)
}

// iprp writes the kept properties and their associations.
func (p *heifPlan) iprp(wide bool) []byte {
	var ipco []byte
	for _, pr := range p.props {
		ipco = append(ipco, pr...)
	}
	big := len(p.props) > 127
	ipma := binary.BigEndian.AppendUint32(nil, uint32(len(p.ids)))
	for _, id := range p.ids {
		ipma = append(ipma, idBytes(id, wide)...)
		ipma = append(ipma, byte(len(p.assoc[id])))
		for _, a := range p.assoc[id] {
			e := btoi(a.Essential)
			if big {
				ipma = binary.BigEndian.AppendUint16(ipma, uint16(e<<15|a.Index))
			} else {
				ipma = append(ipma, byte(e<<7|a.Index))
			}
		}
	}
	return boxBytes("iprp", append(boxBytes("ipco", ipco), fullBoxBytes("ipma", btoi(wide), uint32(btoi(big)), ipma)...))
}

// ilocBytes writes an iloc box of version 1 (for the construction method)
// with 32-bit offsets and lengths, one extent an item.
func ilocBytes(locs []itemLoc) []byte {
	il := []byte{0x44, 0x00}
	il = binary.BigEndian.AppendUint16(il, uint16(len(locs)))
	for _, l := range locs {
		il = binary.BigEndian.AppendUint16(il, uint16(l.id))
		il = binary.BigEndian.AppendUint16(il, uint16(l.method))
		il = append(il, 0, 0, 0, 1) // data_reference_index 0, one extent
		il = binary.BigEndian.AppendUint32(il, uint32(l.off))
		il = binary.BigEndian.AppendUint32(il, uint32(l.length))
	}
	return fullBoxBytes("iloc", 1, 0, il)
}

func boxBytes(typ string, payload []byte) []byte {
	out := binary.BigEndian.AppendUint32(make([]byte, 0, 8+len(payload)), uint32(8+len(payload)))
	return append(append(out, typ...), payload...)
}

func fullBoxBytes(typ string, version int, flags uint32, payload []byte) []byte {
	h := binary.BigEndian.AppendUint32(nil, uint32(version)<<24|flags&0xFFFFFF)
	return boxBytes(typ, append(h, payload...))
}

func idBytes(id uint32, wide bool) []byte {
	if wide {
		return binary.BigEndian.AppendUint32(nil, id)
	}
	return binary.BigEndian.AppendUint16(nil, uint16(id))
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
