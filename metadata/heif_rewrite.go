package metadata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/photo"
)

// Bounds on the HEIF structures the rewrite accepts; anything larger is
// suspicious and goes to the re-encoding fallback.
const (
	maxHEIFItems = 4096
	maxHEIFProps = 4096
	maxHEIFDepth = 4 // nested derived images (grid of grids, ...)
)

// Alpha auxiliary images are part of the picture; every other auxiliary
// image (depth, portrait matte, HDR gain map) goes.
var heifAlphaURNs = map[string]bool{
	"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha": true,
	"urn:mpeg:hevc:2015:auxid:1":                  true,
}

// heifKeepItemTypes are the coded and derived image item types the rewrite
// knows how to carry.
var heifKeepItemTypes = map[string]bool{"hvc1": true, "av01": true, "grid": true, "iden": true, "iovl": true}

// heifKeepProps are the structural properties a kept item keeps (colr and
// auxC are judged on their content).
var heifKeepProps = map[string]bool{
	"hvcC": true, "av1C": true, "ispe": true, "pixi": true, "irot": true, "imir": true, "clap": true,
	"pasp": true, "lsel": true, "a1op": true, "a1lx": true, "rloc": true,
}

// errHEIFUnsupported marks a structure the lossless rewrite does not carry;
// Clean then falls back to re-encoding.
var errHEIFUnsupported = errors.New("HEIF structure not supported by the lossless rewrite")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errHEIFUnsupported}, args...)...)
}

// rwItem is one item as the rewrite sees it.
type rwItem struct {
	id      uint32
	typ     string
	flags   uint32 // infe flags (bit 0: hidden)
	method  int    // iloc construction method (0 file, 1 idat)
	hasLoc  bool
	extents [][2]int // absolute in b (method 0) or in the idat payload (method 1)
	props   []rwAssoc
}

type rwAssoc struct {
	essential bool
	index     int // 1-based into ipco
}

type rwRef struct {
	typ  string
	from uint32
	to   []uint32
}

// rewriteHEIF rebuilds a HEIF/AVIF file from an allow-list, without decoding:
// ftyp; a meta box with hdlr, pitm, the kept items' infe (names emptied),
// iref dimg/auxl between kept items, iprp with only structural properties of
// kept items, and iloc pointing into a fresh mdat (or idat) that holds only
// the kept items' data. Kept items are the primary image, the images a
// derived primary (grid, iden, iovl) is built from, and alpha planes.
// Everything else goes: Exif and XMP items, thumbnails, depth maps, mattes,
// gain maps, image sequences, udta, uuid and unknown boxes. Anything unusual
// returns an error wrapping errHEIFUnsupported.
//
// In LocationOnly mode the output also carries one Exif item (hidden, linked
// to the primary by cdsc, as cameras write it) holding only the camera and
// date fields of the source's EXIF (see locationSafeEXIF); a source without
// readable EXIF gives the All-mode output.
func rewriteHEIF(b []byte, opt Options) (*Result, error) {
	top, err := bmff.Walk(b, 0, len(b))
	if err != nil {
		return nil, unsupported("%v", err)
	}
	if len(top) == 0 || top[0].Type != "ftyp" || len(top[0].Data) < 8 || len(top[0].Data) > 256 || len(top[0].Data)%4 != 0 {
		return nil, unsupported("no sane ftyp box first")
	}
	var rm removals
	var meta *bmff.Box
	var mdats []bmff.Box
	for k := range top[1:] {
		bx := top[k+1]
		switch bx.Type {
		case "meta":
			if meta != nil {
				return nil, unsupported("two meta boxes")
			}
			meta = &top[k+1]
		case "mdat":
			mdats = append(mdats, bx)
		case "moov":
			rm.add("image sequence or Live Photo track (moov)")
		case "free", "skip":
			rm.add("padding box " + bx.Type)
		case "udta":
			rm.add("user data box (udta)")
		case "uuid":
			rm.add("vendor uuid box")
		default:
			rm.add("unknown box " + printable.String(bx.Type))
		}
	}
	if meta == nil || len(meta.Data) < 4 || meta.Data[0] != 0 {
		return nil, unsupported("no meta box")
	}
	metaBase := meta.End - len(meta.Data)
	kids, err := bmff.Walk(b, metaBase+4, meta.End)
	if err != nil {
		return nil, unsupported("%v", err)
	}
	items := map[uint32]*rwItem{}
	var order []uint32
	var refs []rwRef
	var props []bmff.Box
	var primary uint32
	var idat []byte
	var ilocBox bmff.Box
	var ipmas [][]byte
	seen := map[string]bool{}
	for _, k := range kids {
		if seen[k.Type] && k.Type != "ipma" {
			return nil, unsupported("two %s boxes", printable.String(k.Type))
		}
		seen[k.Type] = true
		r := reader{b: k.Data}
		switch k.Type {
		case "hdlr":
			r.skip(8)
			if string(r.bytes(4)) != "pict" || r.err != nil {
				return nil, unsupported("handler is not pict")
			}
		case "pitm":
			v := r.u8()
			r.skip(3)
			primary = r.id(v != 0)
			if r.err != nil {
				return nil, unsupported("short pitm")
			}
		case "iinf":
			v := r.u8()
			r.skip(3)
			if v == 0 {
				r.skip(2)
			} else {
				r.skip(4)
			}
			if r.err != nil {
				return nil, unsupported("short iinf")
			}
			entries, err := bmff.Walk(b, k.End-len(k.Data)+r.i, k.End)
			if err != nil || len(entries) > maxHEIFItems {
				return nil, unsupported("iinf entries")
			}
			for _, e := range entries {
				if e.Type != "infe" {
					continue
				}
				er := reader{b: e.Data}
				ev := er.u8()
				fl := uint32(er.u8())<<16 | uint32(er.u16())
				if ev < 2 {
					return nil, unsupported("infe version %d", ev)
				}
				id := er.id(ev >= 3)
				if er.u16() != 0 {
					return nil, unsupported("protected item")
				}
				typ := string(er.bytes(4))
				if er.err != nil {
					return nil, unsupported("short infe")
				}
				if items[id] != nil {
					return nil, unsupported("item %d listed twice", id)
				}
				items[id] = &rwItem{id: id, typ: typ, flags: fl}
				order = append(order, id)
			}
		case "iloc":
			ilocBox = k // read once every item is listed: box order is free
		case "iref":
			v := r.u8()
			r.skip(3)
			rs, err := bmff.Walk(b, k.End-len(k.Data)+4, k.End)
			if err != nil || len(rs) > maxHEIFItems*4 {
				return nil, unsupported("iref entries")
			}
			for _, x := range rs {
				xr := reader{b: x.Data}
				ref := rwRef{typ: x.Type, from: xr.id(v != 0)}
				n := int(xr.u16())
				for j := 0; j < n && xr.err == nil; j++ {
					ref.to = append(ref.to, xr.id(v != 0))
				}
				if xr.err != nil || xr.i != len(x.Data) {
					return nil, unsupported("malformed iref %s", printable.String(x.Type))
				}
				refs = append(refs, ref)
			}
		case "iprp":
			ps, err := bmff.Walk(b, k.End-len(k.Data), k.End)
			if err != nil {
				return nil, unsupported("%v", err)
			}
			for _, p := range ps {
				switch p.Type {
				case "ipco":
					if props != nil {
						return nil, unsupported("two ipco boxes")
					}
					if props, err = bmff.Walk(b, p.End-len(p.Data), p.End); err != nil || len(props) > maxHEIFProps {
						return nil, unsupported("ipco")
					}
				case "ipma":
					ipmas = append(ipmas, p.Data)
				}
			}
		case "idat":
			idat = k.Data
		case "dinf":
			// data references: only self-contained files are accepted (see iloc)
		default:
			rm.add("meta box " + printable.String(k.Type))
		}
	}
	if ilocBox.Type != "" {
		if err := parseIloc(b, ilocBox, items); err != nil {
			return nil, err
		}
	}
	for _, d := range ipmas {
		if err := parseIpma(d, items); err != nil {
			return nil, err
		}
	}
	pr := items[primary]
	if pr == nil || !heifKeepItemTypes[pr.typ] {
		return nil, unsupported("primary item %d not resolvable", primary)
	}

	// The picture's size must be sane before anyone is handed a file that
	// claims it (photo.Config then names the problem on the fallback path).
	size := false
	for _, a := range pr.props {
		if a.index >= 1 && a.index <= len(props) && props[a.index-1].Type == "ispe" && len(props[a.index-1].Data) == 12 {
			d := props[a.index-1].Data
			if err := checkFrameSize(int(binary.BigEndian.Uint32(d[4:])), int(binary.BigEndian.Uint32(d[8:]))); err != nil {
				return nil, unsupported("%v", err)
			}
			size = true
		}
	}
	if !size {
		return nil, unsupported("primary item has no image size")
	}

	// The items to keep: the primary, what derived items are built from,
	// and alpha planes of kept items.
	keep := map[uint32]bool{}
	var add func(id uint32, depth int) error
	add = func(id uint32, depth int) error {
		it := items[id]
		if it == nil || !heifKeepItemTypes[it.typ] {
			return unsupported("referenced item %d is not an image", id)
		}
		if depth > maxHEIFDepth || len(keep) > maxHEIFItems {
			return unsupported("derived images nested too deep")
		}
		if keep[id] {
			return nil
		}
		keep[id] = true
		if it.typ == "grid" || it.typ == "iden" || it.typ == "iovl" {
			n := 0
			for _, r := range refs {
				if r.typ == "dimg" && r.from == id {
					for _, to := range r.to {
						n++
						if err := add(to, depth+1); err != nil {
							return err
						}
					}
				}
			}
			if n == 0 {
				return unsupported("derived item %d has no inputs", id)
			}
		}
		return nil
	}
	if err := add(primary, 0); err != nil {
		return nil, err
	}
	auxURN := func(it *rwItem) string {
		for _, a := range it.props {
			if a.index >= 1 && a.index <= len(props) && props[a.index-1].Type == "auxC" {
				d := props[a.index-1].Data
				if len(d) > 4 {
					s := d[4:]
					if z := bytes.IndexByte(s, 0); z >= 0 {
						s = s[:z]
					}
					return string(s)
				}
			}
		}
		return ""
	}
	var alphaRefs []rwRef
	for _, r := range refs {
		if r.typ != "auxl" || keep[r.from] || items[r.from] == nil {
			continue
		}
		it := items[r.from]
		if !heifAlphaURNs[auxURN(it)] {
			continue
		}
		var to []uint32
		for _, t := range r.to {
			if keep[t] {
				to = append(to, t)
			}
		}
		if len(to) == 0 {
			continue
		}
		if err := add(r.from, 1); err != nil {
			return nil, err
		}
		alphaRefs = append(alphaRefs, rwRef{typ: "auxl", from: r.from, to: to})
	}
	isAlpha := map[uint32]bool{}
	for _, r := range alphaRefs {
		isAlpha[r.from] = true
	}

	// Data of kept items: inside one mdat (method 0) or idat (method 1),
	// never overlapping.
	type span struct{ s, e int }
	var spans []span
	for id := range keep {
		it := items[id]
		if !it.hasLoc {
			if it.typ == "hvc1" || it.typ == "av01" || it.typ == "grid" || it.typ == "iovl" {
				return nil, unsupported("item %d has no data", id)
			}
			continue
		}
		for _, e := range it.extents {
			if it.method == 1 {
				if e[1] > len(idat) {
					return nil, unsupported("item %d data outside idat", id)
				}
				continue
			}
			inside := false
			for _, m := range mdats {
				if e[0] >= m.End-len(m.Data) && e[1] <= m.End {
					inside = true
				}
			}
			if !inside {
				return nil, unsupported("item %d data outside mdat", id)
			}
			spans = append(spans, span{e[0], e[1]})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	for k := 1; k < len(spans); k++ {
		if spans[k].s < spans[k-1].e {
			return nil, unsupported("item data extents overlap")
		}
	}

	// Properties: structural ones of kept items, renumbered.
	newIndex := map[int]int{}
	var keptProps [][]byte
	assoc := map[uint32][]rwAssoc{}
	iccGone := false
	for _, id := range order {
		if !keep[id] {
			continue
		}
		for _, a := range items[id].props {
			if a.index < 1 || a.index > len(props) {
				return nil, unsupported("property index %d out of range", a.index)
			}
			p := props[a.index-1]
			ok := heifKeepProps[p.Type]
			switch p.Type {
			case "colr":
				if len(p.Data) >= 4 {
					switch string(p.Data[:4]) {
					case "nclx":
						ok = len(p.Data) == 11
					case "prof", "rICC":
						if std, _ := StandardICC(p.Data[4:]); std {
							ok = true
						} else {
							iccGone = true
						}
					}
				}
			case "auxC":
				ok = isAlpha[id] && heifAlphaURNs[auxURN(items[id])] && len(p.Data) == 4+len(auxURN(items[id]))+1
			}
			if !ok {
				if a.essential && p.Type != "colr" {
					return nil, unsupported("essential property %s", printable.String(p.Type))
				}
				continue
			}
			n, done := newIndex[a.index]
			if !done {
				keptProps = append(keptProps, b[p.Start:p.End])
				n = len(keptProps)
				newIndex[a.index] = n
			}
			assoc[id] = append(assoc[id], rwAssoc{essential: a.essential, index: n})
		}
	}
	if iccGone {
		rm.add(iccDropped)
	}

	// The camera and date fields LocationOnly keeps, from the first Exif
	// item (the one exifTIFF reads): what went from it is named field by
	// field, as for the other formats, instead of as a whole block.
	hf, _ := bmff.ParseHEIF(b)
	var exif []byte
	skipSrc := false
	if opt.Mode == LocationOnly && hf != nil {
		if src := hf.ExifTIFF(b); src != nil {
			exif, skipSrc = outputEXIF(src, 1, opt, &rm), true
		}
	}
	// Removed phrases for the dropped items, as the inspector names them.
	if hf != nil {
		for _, it := range hf.Items {
			if skipSrc && it.Type == "Exif" && len(it.Extents) == 1 {
				skipSrc = false
				continue
			}
			if keep[it.ID] || items[it.ID] == nil {
				continue
			}
			if p := reencodePhrase(Block{Kind: "item", Name: hf.ItemName(it)}); p != "" {
				rm.add(p)
			} else {
				rm.add("image item " + printable.String(it.Type))
			}
		}
	}

	var ids []uint32
	for _, id := range order {
		if keep[id] {
			ids = append(ids, id)
		}
	}
	var kept []rwRef
	for _, r := range refs {
		if r.typ == "dimg" && keep[r.from] {
			kept = append(kept, r)
		}
	}
	kept = append(kept, alphaRefs...)
	// The kept Exif item takes the next free id and goes last, its data
	// after the image data in mdat.
	var exifID uint32
	if exif != nil {
		for _, id := range ids {
			exifID = max(exifID, id)
		}
		exifID++
		kept = append(kept, rwRef{typ: "cdsc", from: exifID, to: []uint32{primary}})
	}
	build := func(mdatStart int) ([]byte, []byte, []byte) {
		var mdat, newIdat []byte
		type loc struct {
			id          uint32
			method      int
			off, length int
		}
		var locs []loc
		for _, id := range ids {
			it := items[id]
			if !it.hasLoc {
				continue
			}
			if it.method == 1 {
				o := len(newIdat)
				for _, e := range it.extents {
					newIdat = append(newIdat, idat[e[0]:e[1]]...)
				}
				locs = append(locs, loc{id, 1, o, len(newIdat) - o})
				continue
			}
			o := len(mdat)
			for _, e := range it.extents {
				mdat = append(mdat, b[e[0]:e[1]]...)
			}
			locs = append(locs, loc{id, 0, mdatStart + o, len(mdat) - o})
		}
		if exif != nil {
			o := len(mdat)
			mdat = append(append(mdat, 0, 0, 0, 0), exif...) // exif_tiff_header_offset 0: the TIFF follows at once
			locs = append(locs, loc{exifID, 0, mdatStart + o, len(mdat) - o})
		}
		wide := false
		for _, id := range ids {
			wide = wide || id > 0xFFFF
		}
		var inner []byte
		inner = append(inner, fullBoxBytes("hdlr", 0, 0, append(append(make([]byte, 4), "pict"...), make([]byte, 13)...))...)
		inner = append(inner, fullBoxBytes("pitm", btoi(wide), 0, idBytes(primary, wide))...)
		var infes []byte
		for _, id := range ids {
			it := items[id]
			p := idBytes(id, wide)
			p = append(p, 0, 0)
			p = append(p, it.typ...)
			p = append(p, 0) // no item name
			infes = append(infes, fullBoxBytes("infe", 2+btoi(wide), it.flags&1, p)...)
		}
		n := len(ids)
		if exif != nil {
			n++
			p := append(idBytes(exifID, wide), 0, 0)
			infes = append(infes, fullBoxBytes("infe", 2+btoi(wide), 1, append(append(p, "Exif"...), 0))...)
		}
		cnt := binary.BigEndian.AppendUint32(nil, uint32(n))
		if n <= 0xFFFF {
			cnt = cnt[2:]
		}
		inner = append(inner, fullBoxBytes("iinf", btoi(n > 0xFFFF), 0, append(cnt, infes...))...)
		if len(kept) > 0 {
			var rs []byte
			for _, r := range kept {
				var p []byte
				p = append(p, idBytes(r.from, wide)...)
				p = binary.BigEndian.AppendUint16(p, uint16(len(r.to)))
				for _, t := range r.to {
					p = append(p, idBytes(t, wide)...)
				}
				rs = append(rs, boxBytes(r.typ, p)...)
			}
			inner = append(inner, fullBoxBytes("iref", btoi(wide), 0, rs)...)
		}
		var ipco []byte
		for _, p := range keptProps {
			ipco = append(ipco, p...)
		}
		big := len(keptProps) > 127
		ipma := binary.BigEndian.AppendUint32(nil, uint32(len(ids)))
		for _, id := range ids {
			ipma = append(ipma, idBytes(id, wide)...)
			ipma = append(ipma, byte(len(assoc[id])))
			for _, a := range assoc[id] {
				e := 0
				if a.essential {
					e = 1
				}
				if big {
					ipma = binary.BigEndian.AppendUint16(ipma, uint16(e<<15|a.index))
				} else {
					ipma = append(ipma, byte(e<<7|a.index))
				}
			}
		}
		inner = append(inner, boxBytes("iprp", append(boxBytes("ipco", ipco), fullBoxBytes("ipma", btoi(wide), uint32(btoi(big)), ipma)...))...)
		// iloc version 1 (construction method), 32-bit offsets and lengths.
		il := []byte{0x44, 0x00}
		il = binary.BigEndian.AppendUint16(il, uint16(len(locs)))
		for _, l := range locs {
			il = binary.BigEndian.AppendUint16(il, uint16(l.id))
			il = binary.BigEndian.AppendUint16(il, uint16(l.method))
			il = append(il, 0, 0, 0, 1) // data_reference_index 0, one extent
			il = binary.BigEndian.AppendUint32(il, uint32(l.off))
			il = binary.BigEndian.AppendUint32(il, uint32(l.length))
		}
		inner = append(inner, fullBoxBytes("iloc", 1, 0, il)...)
		if newIdat != nil {
			inner = append(inner, boxBytes("idat", newIdat)...)
		}
		return fullBoxBytes("meta", 0, 0, inner), mdat, newIdat
	}
	for _, id := range append(ids, exifID) {
		if id > 0xFFFF {
			return nil, unsupported("item ids above 65535")
		}
	}
	ftyp := cleanFtyp(top[0].Data, &rm)
	metaBox, mdat, _ := build(0)
	if len(ftyp)+len(metaBox)+8+len(mdat) > 0xFFFFFFFF {
		return nil, unsupported("file over 4 GB")
	}
	metaBox, mdat, _ = build(len(ftyp) + len(metaBox) + 8)
	out := make([]byte, 0, len(ftyp)+len(metaBox)+8+len(mdat))
	out = append(out, ftyp...)
	out = append(out, metaBox...)
	out = append(out, boxBytes("mdat", mdat)...)
	rm.add("all other metadata (HEIF rebuilt from its image items; pixels untouched)")
	return &Result{Data: out, Format: photo.HEIF, Lossless: true, Removed: rm.list()}, nil
}

// parseIloc records the location of every item listed in an iloc box.
func parseIloc(b []byte, k bmff.Box, items map[uint32]*rwItem) error {
	r := reader{b: k.Data}
	v := r.u8()
	r.skip(3)
	sz, sz2 := r.u8(), r.u8()
	offSize, lenSize, baseSize, idxSize := int(sz>>4), int(sz&15), int(sz2>>4), int(sz2&15)
	if v == 0 {
		idxSize = 0
	}
	if v > 2 {
		return unsupported("iloc version %d", v)
	}
	var n uint32
	if v < 2 {
		n = uint32(r.u16())
	} else {
		n = r.u32()
	}
	if n > maxHEIFItems {
		return unsupported("too many item locations")
	}
	for j := uint32(0); j < n && r.err == nil; j++ {
		id := r.id(v >= 2)
		method := 0
		if v >= 1 {
			method = int(r.u16() & 15)
		}
		dri := r.u16()
		base := r.uintN(baseSize)
		ne := int(r.u16())
		it := items[id]
		if r.err != nil {
			break
		}
		if it == nil {
			return unsupported("location for unlisted item %d", id)
		}
		if it.hasLoc {
			return unsupported("item %d located twice", id)
		}
		if method > 1 || dri != 0 {
			return unsupported("item %d stored by construction method %d or in another file", id, method)
		}
		if ne > 1024 {
			return unsupported("too many extents")
		}
		it.hasLoc, it.method = true, method
		for e := 0; e < ne && r.err == nil; e++ {
			if idx := r.uintN(idxSize); idx != 0 {
				return unsupported("extent index")
			}
			o, l := r.uintN(offSize), r.uintN(lenSize)
			s := base + o
			if l == 0 || s > uint64(len(b)) || l > uint64(len(b))-s {
				return unsupported("item %d extent outside the file", id)
			}
			it.extents = append(it.extents, [2]int{int(s), int(s + l)})
		}
	}
	if r.err != nil {
		return unsupported("short iloc")
	}
	return nil
}

// parseIpma records the property associations of every item.
func parseIpma(d []byte, items map[uint32]*rwItem) error {
	r := reader{b: d}
	v := r.u8()
	r.skip(2)
	flags := r.u8()
	n := r.u32()
	if n > maxHEIFItems {
		return unsupported("too many property associations")
	}
	for j := uint32(0); j < n && r.err == nil; j++ {
		id := r.id(v >= 1)
		cnt := int(r.u8())
		it := items[id]
		for k := 0; k < cnt && r.err == nil; k++ {
			var a rwAssoc
			if flags&1 != 0 {
				x := r.u16()
				a = rwAssoc{x&0x8000 != 0, int(x & 0x7FFF)}
			} else {
				x := r.u8()
				a = rwAssoc{x&0x80 != 0, int(x & 0x7F)}
			}
			if it != nil && a.index != 0 && len(it.props) < 64 {
				it.props = append(it.props, a)
			}
		}
	}
	if r.err != nil {
		return unsupported("short ipma")
	}
	return nil
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

// cleanHEIF rewrites a HEIF/AVIF losslessly when its structure allows, and
// otherwise decodes and re-encodes it as a JPEG.
func cleanHEIF(b []byte, opt Options) (*Result, error) {
	res, err := rewriteHEIF(b, opt)
	if err == nil && verifyHEIF(res.Data, opt) == nil {
		return res, nil
	}
	if _, _, err := photo.Config(b); err != nil {
		return nil, err
	}
	return reencode(b, photo.HEIF, photo.JPEG, opt)
}

// heifBrands are the standard ftyp brands a rebuilt file may name; vendor
// brands (Apple's MiHB, MiHE, MiPr, ...) say which device made the file and
// go.
var heifBrands = map[string]bool{
	"mif1": true, "mif2": true, "msf1": true, "miaf": true, "heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "avif": true, "avis": true, "avio": true, "MA1A": true, "MA1B": true,
}

// cleanFtyp rebuilds the ftyp payload d with its standard brands only.
func cleanFtyp(d []byte, rm *removals) []byte {
	major := string(d[:4])
	if !heifBrands[major] {
		major = "mif1"
	}
	p := append([]byte(major), 0, 0, 0, 0)
	dropped := false
	for i := 8; i+4 <= len(d); i += 4 {
		if heifBrands[string(d[i:i+4])] {
			p = append(p, d[i:i+4]...)
		} else {
			dropped = true
		}
	}
	if dropped || major != string(d[:4]) {
		rm.add("vendor file-type brands")
	}
	return boxBytes("ftyp", p)
}
