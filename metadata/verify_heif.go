package metadata

import (
	"encoding/binary"
	"slices"
	"sort"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/printable"
)

// Verify's own allow-lists for HEIF/AVIF outputs, deliberately separate from
// the rewrite's.
var (
	verifyHEIFItemTypes = map[string]bool{"hvc1": true, "av01": true, "grid": true, "iden": true, "iovl": true}
	verifyHEIFProps     = map[string]bool{
		"hvcC": true, "av1C": true, "ispe": true, "pixi": true, "colr": true, "irot": true, "imir": true,
		"clap": true, "pasp": true, "lsel": true, "a1op": true, "a1lx": true, "rloc": true, "auxC": true,
	}
	verifyHEIFBrands = map[string]bool{
		"mif1": true, "mif2": true, "msf1": true, "miaf": true, "heic": true, "heix": true, "heim": true, "heis": true,
		"hevc": true, "hevx": true, "avif": true, "avis": true, "avio": true, "MA1A": true, "MA1B": true,
	}
	verifyHEIFAlpha = map[string]bool{
		"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha": true,
		"urn:mpeg:hevc:2015:auxid:1":                  true,
	}
)

// verifyHEIF accepts only the shape the lossless rewrite writes: ftyp, meta
// (hdlr pict without a name, pitm, iinf with unnamed image items, iref dimg
// and auxl, iprp with structural properties, iloc, idat), one mdat, nothing
// after; every byte of mdat and idat belongs to exactly one item extent, and
// every extent lies inside them. In LocationOnly mode it also accepts one
// Exif item without properties, described by one cdsc reference to the
// primary image and nothing else, whose data is a zero
// exif_tiff_header_offset and a TIFF that verifyEXIF passes.
func verifyHEIF(b []byte, opt Options) error {
	top, err := bmff.Walk(b, 0, len(b))
	if err != nil {
		return notClean("HEIF boxes do not walk: %v", err)
	}
	if len(top) < 2 || len(top) > 3 || top[0].Type != "ftyp" || top[1].Type != "meta" || (len(top) == 3 && top[2].Type != "mdat") {
		return notClean("HEIF top level is not ftyp, meta, mdat")
	}
	f := top[0].Data
	if len(f) < 8 || len(f)%4 != 0 || len(f) > 256 || !zeroBytes(f[4:8]) {
		return notClean("HEIF ftyp box is malformed")
	}
	for i := 0; i < len(f); i += 4 {
		if i != 4 && !verifyHEIFBrands[string(f[i:i+4])] {
			return notClean("HEIF names brand %q", printable.String(string(f[i:i+4])))
		}
	}
	var mdat []byte
	mdatAt := len(b)
	if len(top) == 3 {
		mdat, mdatAt = top[2].Data, top[2].End-len(top[2].Data)
	}
	meta := top[1]
	if len(meta.Data) < 4 || binary.BigEndian.Uint32(meta.Data) != 0 {
		return notClean("HEIF meta box version")
	}
	kids, err := bmff.Walk(b, meta.End-len(meta.Data)+4, meta.End)
	if err != nil {
		return notClean("HEIF meta box does not walk: %v", err)
	}
	items := map[uint32]string{}
	var props []bmff.Box
	var idat []byte
	aux := map[uint32]bool{}
	auxProp := map[int]bool{}
	var primary uint32
	type ext struct {
		id           uint32
		method, s, e int
	}
	var exts []ext
	type ref struct {
		typ  string
		from uint32
		to   []uint32
	}
	var refs []ref
	exifID, exifs := uint32(0), 0
	seen := map[string]bool{}
	var ipmaData []byte
	for _, k := range kids {
		if seen[k.Type] {
			return notClean("HEIF meta holds two %s boxes", printable.String(k.Type))
		}
		seen[k.Type] = true
		r := reader{b: k.Data}
		switch k.Type {
		case "hdlr":
			if len(k.Data) != 4+4+4+12+1 || string(k.Data[8:12]) != "pict" || !zeroBytes(k.Data[:8]) || !zeroBytes(k.Data[12:]) {
				return notClean("HEIF handler box carries more than the pict handler")
			}
		case "pitm":
			if r.u32() != 0 {
				return notClean("HEIF pitm version")
			}
			primary = uint32(r.u16())
			if r.err != nil || r.i != len(k.Data) {
				return notClean("HEIF pitm malformed")
			}
		case "iinf":
			if r.u32() != 0 {
				return notClean("HEIF iinf version")
			}
			n := int(r.u16())
			es, err := bmff.Walk(b, k.End-len(k.Data)+6, k.End)
			if err != nil || len(es) != n {
				return notClean("HEIF iinf entries")
			}
			for _, e := range es {
				d := e.Data
				if e.Type != "infe" || len(d) != 4+2+2+4+1 || d[0] != 2 || d[1] != 0 || d[2] != 0 || d[3]&^1 != 0 || d[6] != 0 || d[7] != 0 || d[12] != 0 {
					return notClean("HEIF item entry is not a bare image item")
				}
				id, typ := uint32(binary.BigEndian.Uint16(d[4:])), string(d[8:12])
				if typ == "Exif" && opt.Mode == LocationOnly {
					exifID, exifs = id, exifs+1
				} else if !verifyHEIFItemTypes[typ] {
					return notClean("HEIF keeps an item of type %q", printable.String(typ))
				}
				if _, dup := items[id]; dup {
					return notClean("HEIF item %d listed twice", id)
				}
				items[id] = typ
			}
		case "iref":
			if r.u32() != 0 {
				return notClean("HEIF iref version")
			}
			rs, err := bmff.Walk(b, k.End-len(k.Data)+4, k.End)
			if err != nil {
				return notClean("HEIF iref does not walk")
			}
			for _, x := range rs {
				if x.Type != "dimg" && x.Type != "auxl" && (x.Type != "cdsc" || opt.Mode != LocationOnly) {
					return notClean("HEIF keeps a %q reference", printable.String(x.Type))
				}
				xr := reader{b: x.Data}
				rf := ref{typ: x.Type, from: uint32(xr.u16())}
				n := int(xr.u16())
				for j := 0; j < n && xr.err == nil; j++ {
					rf.to = append(rf.to, uint32(xr.u16()))
				}
				if xr.err != nil || xr.i != len(x.Data) || n == 0 {
					return notClean("HEIF reference malformed")
				}
				if x.Type == "auxl" {
					aux[rf.from] = true
				}
				refs = append(refs, rf)
			}
		case "iprp":
			ps, err := bmff.Walk(b, k.End-len(k.Data), k.End)
			if err != nil || len(ps) != 2 || ps[0].Type != "ipco" || ps[1].Type != "ipma" {
				return notClean("HEIF iprp is not ipco then ipma")
			}
			if props, err = bmff.Walk(b, ps[0].End-len(ps[0].Data), ps[0].End); err != nil {
				return notClean("HEIF ipco does not walk")
			}
			for i, p := range props {
				if !verifyHEIFProps[p.Type] {
					return notClean("HEIF keeps property %q", printable.String(p.Type))
				}
				switch p.Type {
				case "colr":
					if len(p.Data) < 4 {
						return notClean("HEIF colr malformed")
					}
					switch string(p.Data[:4]) {
					case "nclx":
						if len(p.Data) != 11 {
							return notClean("HEIF nclx colour malformed")
						}
					case "prof", "rICC":
						if ok, desc := StandardICC(p.Data[4:]); !ok {
							return notClean("HEIF keeps a colour profile that is not a stock one (%q)", desc)
						}
					default:
						return notClean("HEIF colour type %q", printable.String(string(p.Data[:4])))
					}
				case "auxC":
					d := p.Data
					if len(d) < 5 || d[len(d)-1] != 0 || !verifyHEIFAlpha[string(d[4:len(d)-1])] || !zeroBytes(d[:4]) {
						return notClean("HEIF keeps an auxiliary image that is not an alpha plane")
					}
					auxProp[i+1] = true
				}
			}
			ipmaData = ps[1].Data
		case "iloc":
			if r.u8() != 1 || r.u8() != 0 || r.u16() != 0 || r.u8() != 0x44 || r.u8() != 0 {
				return notClean("HEIF iloc layout is not the rewrite's")
			}
			n := int(r.u16())
			for j := 0; j < n; j++ {
				id := uint32(r.u16())
				method := int(r.u16())
				dri := r.u16()
				ne := r.u16()
				off, l := int(r.u32()), int(r.u32())
				if r.err != nil {
					return notClean("HEIF iloc is short")
				}
				if _, ok := items[id]; !ok || method > 1 || dri != 0 || ne != 1 || l == 0 {
					return notClean("HEIF iloc entry for item %d is not allowed", id)
				}
				exts = append(exts, ext{id, method, off, off + l})
			}
			if r.i != len(k.Data) {
				return notClean("HEIF iloc has extra bytes")
			}
		case "idat":
			idat = k.Data
		default:
			return notClean("HEIF meta holds a %q box", printable.String(k.Type))
		}
	}
	if !seen["hdlr"] || !seen["pitm"] || !seen["iinf"] || !seen["iprp"] || !seen["iloc"] {
		return notClean("HEIF meta lacks a required box")
	}
	if !verifyHEIFItemTypes[items[primary]] {
		return notClean("HEIF primary item is not a listed image")
	}
	if exifs > 1 {
		return notClean("HEIF keeps %d Exif items", exifs)
	}
	// The Exif item describes the primary image and takes part in no other
	// reference; a cdsc reference means nothing else.
	described := 0
	for _, rf := range refs {
		switch {
		case rf.typ == "cdsc" && (exifs == 0 || rf.from != exifID || len(rf.to) != 1 || rf.to[0] != primary):
			return notClean("HEIF cdsc reference is not the Exif item describing the primary image")
		case rf.typ == "cdsc":
			described++
		case exifs > 0 && (rf.from == exifID || slices.Contains(rf.to, exifID)):
			return notClean("HEIF Exif item is used as an image")
		}
	}
	if exifs != described {
		return notClean("HEIF Exif item does not describe the primary image exactly once")
	}
	// ipma: after iinf (box order is free), so checked last.
	r := reader{b: ipmaData}
	v := r.u8()
	r.skip(2)
	flags := r.u8()
	if v != 0 || flags > 1 {
		return notClean("HEIF ipma version")
	}
	n := int(r.u32())
	for j := 0; j < n; j++ {
		id := uint32(r.u16())
		cnt := int(r.u8())
		if typ, ok := items[id]; (!ok || typ == "Exif") && r.err == nil {
			return notClean("HEIF properties for an unlisted or Exif item")
		}
		for c := 0; c < cnt; c++ {
			var idx int
			if flags&1 != 0 {
				idx = int(r.u16() & 0x7FFF)
			} else {
				idx = int(r.u8() & 0x7F)
			}
			if r.err == nil && (idx < 1 || idx > len(props)) {
				return notClean("HEIF property index out of range")
			}
			if r.err == nil && auxProp[idx] && !aux[id] {
				return notClean("HEIF auxiliary property on a non-auxiliary item")
			}
		}
	}
	if r.err != nil || r.i != len(ipmaData) {
		return notClean("HEIF ipma malformed")
	}
	// Every byte of mdat and idat belongs to exactly one extent.
	for _, m := range []int{0, 1} {
		var spans [][2]int
		lo, hi := mdatAt, mdatAt+len(mdat)
		if m == 1 {
			lo, hi = 0, len(idat)
		}
		for _, e := range exts {
			if e.method == m {
				if e.s < lo || e.e > hi {
					return notClean("HEIF item data outside its container")
				}
				spans = append(spans, [2]int{e.s, e.e})
			}
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
		at := lo
		for _, s := range spans {
			if s[0] != at {
				return notClean("HEIF holds %d bytes that belong to no item", max(s[0]-at, at-s[0]))
			}
			at = s[1]
		}
		if at != hi {
			return notClean("HEIF holds %d bytes that belong to no item", hi-at)
		}
	}
	if exifs == 0 {
		return nil
	}
	// The Exif item's one extent: a zero offset, then a TIFF holding only
	// what LocationOnly keeps (verify.go's allow-list, as for JPEG).
	var d []byte
	located := 0
	for _, e := range exts {
		if e.id != exifID {
			continue
		}
		located++
		if e.method == 0 { // inside mdat or idat: checked above
			d = mdat[e.s-mdatAt : e.e-mdatAt]
		} else {
			d = idat[e.s:e.e]
		}
	}
	if located != 1 || len(d) < 4 || !zeroBytes(d[:4]) {
		return notClean("HEIF Exif item data is not one TIFF structure at offset 0")
	}
	return verifyEXIF(d[4:], opt)
}
