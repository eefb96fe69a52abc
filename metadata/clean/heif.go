package clean

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
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
// File then falls back to re-encoding.
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
	props   []bmff.Association
}

// heifSource is a HEIF file as the rewrite reads it: the boxes it keeps
// from, and the meta box's items, references and properties, each read by
// bmff's parser for its box and checked against what the rewrite carries.
type heifSource struct {
	b       []byte
	ftyp    []byte // payload
	meta    *bmff.Box
	mdats   []bmff.Box
	items   map[uint32]*rwItem
	order   []uint32 // items in iinf order
	refs    []bmff.Reference
	props   []bmff.Box // ipco; property index = position + 1
	primary uint32
	idat    []byte
	rm      removals
}

// heifKeep is what the rewrite keeps of a source: the items, the alpha-plane
// references between kept items, and each kept item's properties
// renumbered into the new ipco.
type heifKeep struct {
	items     map[uint32]bool
	ids       []uint32 // kept items in iinf order
	alphaRefs []bmff.Reference
	props     [][]byte                      // whole property boxes, in new ipco order
	assoc     map[uint32][]bmff.Association // by item, indexing props from 1
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
func rewriteHEIF(b []byte, opt metadata.Options) (*metadata.Result, error) {
	src, err := readHEIFSource(b)
	if err != nil {
		return nil, err
	}
	if err := src.checkPrimary(); err != nil {
		return nil, err
	}
	k, err := src.pickItems()
	if err != nil {
		return nil, err
	}
	if err := src.checkExtents(k); err != nil {
		return nil, err
	}
	if err := src.keepProperties(k); err != nil {
		return nil, err
	}
	exif := src.dropItems(k, opt)
	plan := src.plan(k, exif)
	for _, id := range append(plan.ids, plan.exifID) {
		if id > 0xFFFF {
			return nil, unsupported("item ids above 65535")
		}
	}
	ftyp := cleanFtyp(src.ftyp, &src.rm)
	meta, mdat := plan.build(0)
	if len(ftyp)+len(meta)+8+len(mdat) > 0xFFFFFFFF {
		return nil, unsupported("file over 4 GB")
	}
	meta, mdat = plan.build(len(ftyp) + len(meta) + 8)
	out := make([]byte, 0, len(ftyp)+len(meta)+8+len(mdat))
	out = append(out, ftyp...)
	out = append(out, meta...)
	out = append(out, boxBytes("mdat", mdat)...)
	src.rm.add("all other metadata (HEIF rebuilt from its image items; pixels untouched)")
	return &metadata.Result{Data: out, Format: photo.HEIF, Lossless: true, Removed: src.rm.list()}, nil
}

// readHEIFSource reads the top level and the meta box of b.
func readHEIFSource(b []byte) (*heifSource, error) {
	top, err := bmff.Walk(b, 0, len(b))
	if err != nil {
		return nil, unsupported("%v", err)
	}
	if len(top) == 0 || top[0].Type != "ftyp" || len(top[0].Data) < 8 || len(top[0].Data) > 256 || len(top[0].Data)%4 != 0 {
		return nil, unsupported("no sane ftyp box first")
	}
	src := &heifSource{b: b, ftyp: top[0].Data, items: map[uint32]*rwItem{}}
	if err := src.topLevel(top[1:]); err != nil {
		return nil, err
	}
	if err := src.readMeta(); err != nil {
		return nil, err
	}
	return src, nil
}

// topLevel finds the meta and mdat boxes among the boxes after ftyp and
// names the others, which go.
func (s *heifSource) topLevel(boxes []bmff.Box) error {
	for k, bx := range boxes {
		switch bx.Type {
		case "meta":
			if s.meta != nil {
				return unsupported("two meta boxes")
			}
			s.meta = &boxes[k]
		case "mdat":
			s.mdats = append(s.mdats, bx)
		case "moov":
			s.rm.add("image sequence or Live Photo track (moov)")
		case "free", "skip":
			s.rm.add("padding box " + bx.Type)
		case "udta":
			s.rm.add("user data box (udta)")
		case "uuid":
			s.rm.add("vendor uuid box")
		default:
			s.rm.add("unknown box " + printable.String(bx.Type))
		}
	}
	if s.meta == nil || len(s.meta.Data) < 4 || s.meta.Data[0] != 0 {
		return unsupported("no meta box")
	}
	return nil
}

// readMeta reads the meta box's children, each by its own method. iloc and
// ipma are read last, once every item is listed: box order is free.
func (s *heifSource) readMeta() error {
	kids, err := bmff.Children(s.b, *s.meta, 4)
	if err != nil {
		return unsupported("%v", err)
	}
	var iloc *bmff.Box
	var ipmas [][]byte
	seen := map[string]bool{}
	for k, bx := range kids {
		if seen[bx.Type] && bx.Type != "ipma" {
			return unsupported("two %s boxes", printable.String(bx.Type))
		}
		seen[bx.Type] = true
		switch bx.Type {
		case "hdlr":
			if len(bx.Data) < 12 || string(bx.Data[8:12]) != "pict" {
				return unsupported("handler is not pict")
			}
		case "pitm":
			p, err := bmff.ParsePitm(bx)
			if err != nil {
				return unsupported("short pitm")
			}
			s.primary = p.ID
		case "iinf":
			err = s.readIinf(bx)
		case "iloc":
			iloc = &kids[k]
		case "iref":
			err = s.readIref(bx)
		case "iprp":
			ipmas, err = s.readIprp(bx)
		case "idat":
			s.idat = bx.Data
		case "dinf":
			// data references: only self-contained files are accepted (see iloc)
		default:
			s.rm.add("meta box " + printable.String(bx.Type))
		}
		if err != nil {
			return err
		}
	}
	if iloc != nil {
		if err := s.readIloc(*iloc); err != nil {
			return err
		}
	}
	for _, d := range ipmas {
		if err := s.readIpma(d); err != nil {
			return err
		}
	}
	return nil
}

// readIinf lists the items: version 2 or 3 entries of unprotected items,
// each listed once.
func (s *heifSource) readIinf(bx bmff.Box) error {
	l, err := bmff.ParseIinf(s.b, bx)
	if err != nil || len(l.Entries) > maxHEIFItems {
		return unsupported("iinf entries")
	}
	for _, e := range l.Entries {
		if e.Type != "infe" {
			continue
		}
		info, err := bmff.ParseInfe(e)
		switch {
		case info.Version < 2:
			return unsupported("infe version %d", info.Version)
		case info.Protection != 0:
			return unsupported("protected item")
		case err != nil:
			return unsupported("short infe")
		case s.items[info.ID] != nil:
			return unsupported("item %d listed twice", info.ID)
		}
		s.items[info.ID] = &rwItem{id: info.ID, typ: info.Type, flags: info.Flags}
		s.order = append(s.order, info.ID)
	}
	return nil
}

// readIref reads the item references, each of which must be well formed.
func (s *heifSource) readIref(bx bmff.Box) error {
	rs, err := bmff.ParseIref(s.b, bx)
	if err != nil || len(rs.Refs) > maxHEIFItems*4 {
		return unsupported("iref entries")
	}
	for _, r := range rs.Refs {
		if !r.Exact {
			return unsupported("malformed iref %s", printable.String(r.Type))
		}
		s.refs = append(s.refs, r)
	}
	return nil
}

// readIprp reads the one ipco box (the properties) and returns the
// payloads of the ipma boxes, for readIpma.
func (s *heifSource) readIprp(bx bmff.Box) ([][]byte, error) {
	ps, err := bmff.Children(s.b, bx, 0)
	if err != nil {
		return nil, unsupported("%v", err)
	}
	var ipmas [][]byte
	for _, p := range ps {
		switch p.Type {
		case "ipco":
			if s.props != nil {
				return nil, unsupported("two ipco boxes")
			}
			if s.props, err = bmff.Children(s.b, p, 0); err != nil || len(s.props) > maxHEIFProps {
				return nil, unsupported("ipco")
			}
		case "ipma":
			ipmas = append(ipmas, p.Data)
		}
	}
	return ipmas, nil
}

// readIloc records where every listed item's data is: in this file (by
// offset or in idat), once, in at most 1024 extents that lie in the file.
func (s *heifSource) readIloc(bx bmff.Box) error {
	l, err := bmff.ParseIloc(bx.Data)
	if l.Version > 2 {
		return unsupported("iloc version %d", l.Version)
	}
	if l.Count > maxHEIFItems {
		return unsupported("too many item locations")
	}
	for _, loc := range l.Items {
		it := s.items[loc.ID]
		switch {
		case it == nil:
			return unsupported("location for unlisted item %d", loc.ID)
		case it.hasLoc:
			return unsupported("item %d located twice", loc.ID)
		case loc.Method > 1 || loc.DataRef != 0:
			return unsupported("item %d stored by construction method %d or in another file", loc.ID, loc.Method)
		case loc.ExtentCount > bmff.MaxExtents:
			return unsupported("too many extents")
		}
		it.hasLoc, it.method = true, loc.Method
		for _, e := range loc.Extents {
			if e.Index != 0 {
				return unsupported("extent index")
			}
			start := loc.BaseOffset + e.Offset
			if e.Length == 0 || start > uint64(len(s.b)) || e.Length > uint64(len(s.b))-start {
				return unsupported("item %d extent outside the file", loc.ID)
			}
			it.extents = append(it.extents, [2]int{int(start), int(start + e.Length)})
		}
	}
	if err != nil {
		return unsupported("short iloc")
	}
	return nil
}

// readIpma records the property associations of listed items.
func (s *heifSource) readIpma(d []byte) error {
	a, err := bmff.ParseIpma(d)
	if a.Count > maxHEIFItems {
		return unsupported("too many property associations")
	}
	if err != nil {
		return unsupported("short ipma")
	}
	for _, e := range a.Items {
		it := s.items[e.ID]
		for _, p := range e.Props {
			if it != nil && p.Index != 0 && len(it.props) < 64 {
				it.props = append(it.props, p)
			}
		}
	}
	return nil
}

// prop returns the property an association points at, if any.
func (s *heifSource) prop(a bmff.Association) (bmff.Box, bool) {
	if a.Index < 1 || a.Index > len(s.props) {
		return bmff.Box{}, false
	}
	return s.props[a.Index-1], true
}

// checkPrimary requires a primary image the rewrite can carry, whose size
// is sane before anyone is handed a file that claims it (photo.Config then
// names the problem on the fallback path).
func (s *heifSource) checkPrimary() error {
	pr := s.items[s.primary]
	if pr == nil || !heifKeepItemTypes[pr.typ] {
		return unsupported("primary item %d not resolvable", s.primary)
	}
	size := false
	for _, a := range pr.props {
		if p, ok := s.prop(a); ok && p.Type == "ispe" && len(p.Data) == 12 {
			if err := checkFrameSize(int(binary.BigEndian.Uint32(p.Data[4:])), int(binary.BigEndian.Uint32(p.Data[8:]))); err != nil {
				return unsupported("%v", err)
			}
			size = true
		}
	}
	if !size {
		return unsupported("primary item has no image size")
	}
	return nil
}

// pickItems chooses the items to keep: the primary, what derived items are
// built from, and the alpha planes of kept items.
func (s *heifSource) pickItems() (*heifKeep, error) {
	k := &heifKeep{items: map[uint32]bool{}}
	if err := s.keepImage(k, s.primary, 0); err != nil {
		return nil, err
	}
	for _, r := range s.refs {
		if r.Type != "auxl" || k.items[r.From] || s.items[r.From] == nil || !heifAlphaURNs[s.auxURN(s.items[r.From])] {
			continue
		}
		var to []uint32
		for _, t := range r.To {
			if k.items[t] {
				to = append(to, t)
			}
		}
		if len(to) == 0 {
			continue
		}
		if err := s.keepImage(k, r.From, 1); err != nil {
			return nil, err
		}
		k.alphaRefs = append(k.alphaRefs, bmff.Reference{Type: "auxl", From: r.From, To: to})
	}
	for _, id := range s.order {
		if k.items[id] {
			k.ids = append(k.ids, id)
		}
	}
	return k, nil
}

// keepImage keeps the image item id and, for a derived image, the images
// it is built from.
func (s *heifSource) keepImage(k *heifKeep, id uint32, depth int) error {
	it := s.items[id]
	if it == nil || !heifKeepItemTypes[it.typ] {
		return unsupported("referenced item %d is not an image", id)
	}
	if depth > maxHEIFDepth || len(k.items) > maxHEIFItems {
		return unsupported("derived images nested too deep")
	}
	if k.items[id] {
		return nil
	}
	k.items[id] = true
	if it.typ != "grid" && it.typ != "iden" && it.typ != "iovl" {
		return nil
	}
	n := 0
	for _, r := range s.refs {
		if r.Type != "dimg" || r.From != id {
			continue
		}
		for _, to := range r.To {
			n++
			if err := s.keepImage(k, to, depth+1); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		return unsupported("derived item %d has no inputs", id)
	}
	return nil
}

// auxURN returns the URN of an item's auxC property, or "".
func (s *heifSource) auxURN(it *rwItem) string {
	for _, a := range it.props {
		if p, ok := s.prop(a); ok && p.Type == "auxC" && len(p.Data) > 4 {
			u := p.Data[4:]
			if z := bytes.IndexByte(u, 0); z >= 0 {
				u = u[:z]
			}
			return string(u)
		}
	}
	return ""
}

// checkExtents requires the kept items' data to lie inside one mdat (method
// 0) or idat (method 1), without overlapping.
func (s *heifSource) checkExtents(k *heifKeep) error {
	type span struct{ s, e int }
	var spans []span
	for id := range k.items {
		it := s.items[id]
		if !it.hasLoc {
			if it.typ == "hvc1" || it.typ == "av01" || it.typ == "grid" || it.typ == "iovl" {
				return unsupported("item %d has no data", id)
			}
			continue
		}
		for _, e := range it.extents {
			if it.method == 1 {
				if e[1] > len(s.idat) {
					return unsupported("item %d data outside idat", id)
				}
				continue
			}
			inside := false
			for _, m := range s.mdats {
				if e[0] >= m.PayloadStart() && e[1] <= m.End {
					inside = true
				}
			}
			if !inside {
				return unsupported("item %d data outside mdat", id)
			}
			spans = append(spans, span{e[0], e[1]})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	for i := 1; i < len(spans); i++ {
		if spans[i].s < spans[i-1].e {
			return unsupported("item data extents overlap")
		}
	}
	return nil
}

// keepProperties keeps the structural properties of kept items, a colour
// profile only when it is a stock one, and an auxC only on an alpha plane;
// an essential property that goes makes the item impossible to keep.
func (s *heifSource) keepProperties(k *heifKeep) error {
	isAlpha := map[uint32]bool{}
	for _, r := range k.alphaRefs {
		isAlpha[r.From] = true
	}
	newIndex := map[int]int{}
	colours := map[int]bool{} // colr properties judged, by index: tiles share one
	k.assoc = map[uint32][]bmff.Association{}
	iccGone := false
	for _, id := range k.ids {
		for _, a := range s.items[id].props {
			p, in := s.prop(a)
			if !in {
				return unsupported("property index %d out of range", a.Index)
			}
			ok := heifKeepProps[p.Type]
			switch p.Type {
			case "colr":
				keep, judged := colours[a.Index]
				if !judged {
					keep = s.keepColour(p, &iccGone)
					colours[a.Index] = keep
				}
				ok = keep
			case "auxC":
				urn := s.auxURN(s.items[id])
				ok = isAlpha[id] && heifAlphaURNs[urn] && len(p.Data) == 4+len(urn)+1
			}
			if !ok {
				if a.Essential && p.Type != "colr" {
					return unsupported("essential property %s", printable.String(p.Type))
				}
				continue
			}
			n, done := newIndex[a.Index]
			if !done {
				k.props = append(k.props, s.b[p.Start:p.End])
				n = len(k.props)
				newIndex[a.Index] = n
			}
			k.assoc[id] = append(k.assoc[id], bmff.Association{Essential: a.Essential, Index: n})
		}
	}
	if iccGone {
		s.rm.add(iccDropped)
	}
	return nil
}

// keepColour judges a colr property: an nclx triple stays, an ICC profile
// only when it is a stock one (else *gone is set).
func (s *heifSource) keepColour(p bmff.Box, gone *bool) bool {
	if len(p.Data) < 4 {
		return false
	}
	switch string(p.Data[:4]) {
	case "nclx":
		return len(p.Data) == 11
	case "prof", "rICC":
		if std, _ := standardICC(p.Data[4:]); std {
			return true
		}
		*gone = true
	}
	return false
}

// dropItems names the items that go, as the inspector names them, and in
// LocationOnly mode returns the camera and date fields to keep from the
// first Exif item (the one ExifTIFF reads): what went from it is named field
// by field, as for the other formats, instead of as a whole block.
func (s *heifSource) dropItems(k *heifKeep, opt metadata.Options) []byte {
	hf, _ := bmff.ParseHEIF(s.b)
	if hf == nil {
		return nil
	}
	var exif []byte
	skipSrc := false
	if opt.Mode == metadata.LocationOnly {
		if src := hf.ExifTIFF(s.b); src != nil {
			exif, skipSrc = outputEXIF(src, 1, opt, &s.rm), true
		}
	}
	for _, it := range hf.Items {
		if skipSrc && it.Type == "Exif" && len(it.Extents) == 1 {
			skipSrc = false
			continue
		}
		if k.items[it.ID] || s.items[it.ID] == nil {
			continue
		}
		if p := itemPhrase(hf.ItemName(it)); p != "" {
			s.rm.add(p)
		} else {
			s.rm.add("image item " + printable.String(it.Type))
		}
	}
	return exif
}

// heifKeepBrands are the standard ftyp brands a rebuilt file may name; vendor
// brands (Apple's MiHB, MiHE, MiPr, ...) say which device made the file and
// go.
var heifKeepBrands = map[string]bool{
	"mif1": true, "mif2": true, "msf1": true, "miaf": true, "heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "avif": true, "avis": true, "avio": true, "MA1A": true, "MA1B": true,
}

// cleanFtyp rebuilds the ftyp payload d with its standard brands only.
func cleanFtyp(d []byte, rm *removals) []byte {
	major := string(d[:4])
	if !heifKeepBrands[major] {
		major = "mif1"
	}
	p := append([]byte(major), 0, 0, 0, 0)
	dropped := false
	for i := 8; i+4 <= len(d); i += 4 {
		if heifKeepBrands[string(d[i:i+4])] {
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

// cleanHEIF rewrites a HEIF/AVIF losslessly when its structure allows, and
// otherwise decodes and re-encodes it as a JPEG.
func cleanHEIF(b []byte, opt metadata.Options) (*metadata.Result, error) {
	res, err := rewriteHEIF(b, opt)
	if err == nil && verify.File(res.Data, opt) == nil {
		return res, nil
	}
	if _, _, err := photo.Config(b); err != nil {
		return nil, err
	}
	return reencode(b, photo.HEIF, photo.JPEG, opt)
}
