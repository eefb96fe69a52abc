package verify

import (
	"encoding/binary"
	"slices"
	"sort"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
)

// The verifier's own allow-lists for HEIF/AVIF outputs, deliberately separate from
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

// heifCheck is what the verifier has read of a HEIF so far.
type heifCheck struct {
	b       []byte
	opt     metadata.Options
	mdat    []byte
	mdatAt  int
	items   map[uint32]string // item types by id
	primary uint32
	refs    []bmff.Reference
	aux     map[uint32]bool // items an auxl reference describes as auxiliary
	props   []bmff.Box
	auxProp map[int]bool // indices of auxC properties
	ipma    []byte
	exts    []heifExtent
	idat    []byte
	exifID  uint32
	exifs   int
}

// heifExtent is one item extent: in the file (method 0) or in idat (1).
type heifExtent struct {
	id           uint32
	method, s, e int
}

// verifyHEIF accepts only the shape the lossless rewrite writes: ftyp, meta
// (hdlr pict without a name, pitm, iinf with unnamed image items, iref dimg
// and auxl, iprp with structural properties, iloc, idat), one mdat, nothing
// after; every byte of mdat and idat belongs to exactly one item extent, and
// every extent lies inside them. In LocationOnly mode it also accepts one
// Exif item without properties, described by one cdsc reference to the
// primary image and nothing else, whose data is a zero
// exif_tiff_header_offset and a TIFF that verifyEXIF passes.
func verifyHEIF(b []byte, opt metadata.Options) error {
	c := &heifCheck{b: b, opt: opt, items: map[uint32]string{}, aux: map[uint32]bool{}, auxProp: map[int]bool{}}
	meta, err := c.topLevel()
	if err != nil {
		return err
	}
	if err := c.metaBox(meta); err != nil {
		return err
	}
	if !verifyHEIFItemTypes[c.items[c.primary]] {
		return notClean("HEIF primary item is not a listed image")
	}
	if c.exifs > 1 {
		return notClean("HEIF keeps %d Exif items", c.exifs)
	}
	if err := c.checkRefs(); err != nil {
		return err
	}
	if err := c.checkIpma(); err != nil {
		return err
	}
	for _, m := range []int{0, 1} {
		if err := c.checkCoverage(m); err != nil {
			return err
		}
	}
	if c.exifs == 0 {
		return nil
	}
	return c.checkExif()
}

// topLevel requires ftyp (standard brands only), meta and at most one mdat,
// and returns the meta box.
func (c *heifCheck) topLevel() (bmff.Box, error) {
	top, err := bmff.Walk(c.b, 0, len(c.b))
	if err != nil {
		return bmff.Box{}, notClean("HEIF boxes do not walk: %v", err)
	}
	if len(top) < 2 || len(top) > 3 || top[0].Type != "ftyp" || top[1].Type != "meta" || (len(top) == 3 && top[2].Type != "mdat") {
		return bmff.Box{}, notClean("HEIF top level is not ftyp, meta, mdat")
	}
	f := top[0].Data
	if len(f) < 8 || len(f)%4 != 0 || len(f) > 256 || !zeroBytes(f[4:8]) {
		return bmff.Box{}, notClean("HEIF ftyp box is malformed")
	}
	for i := 0; i < len(f); i += 4 {
		if i != 4 && !verifyHEIFBrands[string(f[i:i+4])] {
			return bmff.Box{}, notClean("HEIF names brand %q", printable.String(string(f[i:i+4])))
		}
	}
	c.mdatAt = len(c.b)
	if len(top) == 3 {
		c.mdat, c.mdatAt = top[2].Data, top[2].PayloadStart()
	}
	return top[1], nil
}

// metaBox checks each child of the meta box by its own method, each type
// once, and requires hdlr, pitm, iinf, iprp and iloc.
func (c *heifCheck) metaBox(meta bmff.Box) error {
	if len(meta.Data) < 4 || binary.BigEndian.Uint32(meta.Data) != 0 {
		return notClean("HEIF meta box version")
	}
	kids, err := bmff.Children(c.b, meta, 4)
	if err != nil {
		return notClean("HEIF meta box does not walk: %v", err)
	}
	seen := map[string]bool{}
	for _, k := range kids {
		if seen[k.Type] {
			return notClean("HEIF meta holds two %s boxes", printable.String(k.Type))
		}
		seen[k.Type] = true
		switch k.Type {
		case "hdlr":
			err = checkHdlr(k)
		case "pitm":
			err = c.checkPitm(k)
		case "iinf":
			err = c.checkIinf(k)
		case "iref":
			err = c.checkIref(k)
		case "iprp":
			err = c.checkIprp(k)
		case "iloc":
			err = c.checkIloc(k)
		case "idat":
			c.idat = k.Data
		default:
			err = notClean("HEIF meta holds a %q box", printable.String(k.Type))
		}
		if err != nil {
			return err
		}
	}
	if !seen["hdlr"] || !seen["pitm"] || !seen["iinf"] || !seen["iprp"] || !seen["iloc"] {
		return notClean("HEIF meta lacks a required box")
	}
	return nil
}

// checkHdlr requires the pict handler with no name or reserved bytes.
func checkHdlr(k bmff.Box) error {
	if len(k.Data) != 4+4+4+12+1 || string(k.Data[8:12]) != "pict" || !zeroBytes(k.Data[:8]) || !zeroBytes(k.Data[12:]) {
		return notClean("HEIF handler box carries more than the pict handler")
	}
	return nil
}

func (c *heifCheck) checkPitm(k bmff.Box) error {
	p, _ := bmff.ParsePitm(k)
	if p.Version != 0 || p.Flags != 0 {
		return notClean("HEIF pitm version")
	}
	if !p.Exact {
		return notClean("HEIF pitm malformed")
	}
	c.primary = p.ID
	return nil
}

// checkIinf requires bare image items (version 2, no name, no protection,
// only the hidden flag), and in LocationOnly mode admits Exif items.
func (c *heifCheck) checkIinf(k bmff.Box) error {
	l, err := bmff.ParseIinf(c.b, k)
	if l.Version != 0 || l.Flags != 0 {
		return notClean("HEIF iinf version")
	}
	if err != nil || len(l.Entries) != int(l.Count) {
		return notClean("HEIF iinf entries")
	}
	for _, e := range l.Entries {
		info, err := bmff.ParseInfe(e)
		if e.Type != "infe" || len(e.Data) != 4+2+2+4+1 || err != nil || info.Version != 2 || info.Flags&^1 != 0 || info.Protection != 0 || info.Name != "" {
			return notClean("HEIF item entry is not a bare image item")
		}
		if info.Type == "Exif" && c.opt.Mode == metadata.LocationOnly {
			c.exifID, c.exifs = info.ID, c.exifs+1
		} else if !verifyHEIFItemTypes[info.Type] {
			return notClean("HEIF keeps an item of type %q", printable.String(info.Type))
		}
		if _, dup := c.items[info.ID]; dup {
			return notClean("HEIF item %d listed twice", info.ID)
		}
		c.items[info.ID] = info.Type
	}
	return nil
}

// checkIref admits dimg and auxl references, and cdsc in LocationOnly mode.
func (c *heifCheck) checkIref(k bmff.Box) error {
	rs, err := bmff.ParseIref(c.b, k)
	if rs.Version != 0 || rs.Flags != 0 {
		return notClean("HEIF iref version")
	}
	if err != nil {
		return notClean("HEIF iref does not walk")
	}
	for _, r := range rs.Refs {
		if r.Type != "dimg" && r.Type != "auxl" && (r.Type != "cdsc" || c.opt.Mode != metadata.LocationOnly) {
			return notClean("HEIF keeps a %q reference", printable.String(r.Type))
		}
		if !r.Exact || len(r.To) == 0 {
			return notClean("HEIF reference malformed")
		}
		if r.Type == "auxl" {
			c.aux[r.From] = true
		}
		c.refs = append(c.refs, r)
	}
	return nil
}

// checkIprp requires ipco then ipma, and checks every property.
func (c *heifCheck) checkIprp(k bmff.Box) error {
	ps, err := bmff.Children(c.b, k, 0)
	if err != nil || len(ps) != 2 || ps[0].Type != "ipco" || ps[1].Type != "ipma" {
		return notClean("HEIF iprp is not ipco then ipma")
	}
	if c.props, err = bmff.Children(c.b, ps[0], 0); err != nil {
		return notClean("HEIF ipco does not walk")
	}
	for i, p := range c.props {
		if err := c.checkProperty(i+1, p); err != nil {
			return err
		}
	}
	c.ipma = ps[1].Data
	return nil
}

// checkProperty admits structural properties, a colour profile only when it
// is a stock one, and an auxC only for an alpha plane.
func (c *heifCheck) checkProperty(index int, p bmff.Box) error {
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
			if ok, desc := stockICC(p.Data[4:]); !ok {
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
		c.auxProp[index] = true
	}
	return nil
}

// checkIloc requires the rewrite's layout (version 1, 32-bit offsets and
// lengths, no base offsets or indices) and one extent a listed item, in
// this file or in idat.
func (c *heifCheck) checkIloc(k bmff.Box) error {
	l, err := bmff.ParseIloc(k.Data)
	if l.Version != 1 || l.Flags != 0 || l.OffsetSize != 4 || l.LengthSize != 4 || l.BaseOffsetSize != 0 || l.IdxSize != 0 {
		return notClean("HEIF iloc layout is not the rewrite's")
	}
	for _, loc := range l.Items {
		_, listed := c.items[loc.ID]
		if !listed || loc.Method > 1 || loc.Reserved != 0 || loc.DataRef != 0 || loc.ExtentCount != 1 || loc.Extents[0].Length == 0 {
			return notClean("HEIF iloc entry for item %d is not allowed", loc.ID)
		}
		e := loc.Extents[0]
		c.exts = append(c.exts, heifExtent{loc.ID, loc.Method, int(e.Offset), int(e.Offset + e.Length)})
	}
	if err != nil {
		return notClean("HEIF iloc is short")
	}
	if !l.Exact {
		return notClean("HEIF iloc has extra bytes")
	}
	return nil
}

// checkRefs requires the Exif item to describe the primary image, by one
// cdsc reference, and to take part in no other reference.
func (c *heifCheck) checkRefs() error {
	described := 0
	for _, r := range c.refs {
		switch {
		case r.Type == "cdsc" && (c.exifs == 0 || r.From != c.exifID || len(r.To) != 1 || r.To[0] != c.primary):
			return notClean("HEIF cdsc reference is not the Exif item describing the primary image")
		case r.Type == "cdsc":
			described++
		case c.exifs > 0 && (r.From == c.exifID || slices.Contains(r.To, c.exifID)):
			return notClean("HEIF Exif item is used as an image")
		}
	}
	if c.exifs != described {
		return notClean("HEIF Exif item does not describe the primary image exactly once")
	}
	return nil
}

// checkIpma checks the property associations (after iinf: box order is
// free): only listed image items have properties, every index points into
// ipco, and an auxC belongs to an auxiliary item.
func (c *heifCheck) checkIpma() error {
	a, err := bmff.ParseIpma(c.ipma)
	if a.Version != 0 || a.Flags > 1 {
		return notClean("HEIF ipma version")
	}
	for _, e := range a.Items {
		if typ, ok := c.items[e.ID]; !ok || typ == "Exif" {
			return notClean("HEIF properties for an unlisted or Exif item")
		}
		for _, p := range e.Props {
			if p.Index < 1 || p.Index > len(c.props) {
				return notClean("HEIF property index out of range")
			}
			if c.auxProp[p.Index] && !c.aux[e.ID] {
				return notClean("HEIF auxiliary property on a non-auxiliary item")
			}
		}
	}
	if err != nil || !a.Exact {
		return notClean("HEIF ipma malformed")
	}
	return nil
}

// checkCoverage requires every byte of mdat (method 0) or idat (method 1)
// to belong to exactly one extent, and every extent to lie inside it.
func (c *heifCheck) checkCoverage(method int) error {
	lo, hi := c.mdatAt, c.mdatAt+len(c.mdat)
	if method == 1 {
		lo, hi = 0, len(c.idat)
	}
	var spans [][2]int
	for _, e := range c.exts {
		if e.method == method {
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
	return nil
}

// checkExif requires the Exif item's one extent to be a zero offset, then a
// TIFF holding only what LocationOnly keeps (verifyEXIF's allow-list, as for
// JPEG).
func (c *heifCheck) checkExif() error {
	var d []byte
	located := 0
	for _, e := range c.exts {
		if e.id != c.exifID {
			continue
		}
		located++
		if e.method == 0 { // inside mdat or idat: checked above
			d = c.mdat[e.s-c.mdatAt : e.e-c.mdatAt]
		} else {
			d = c.idat[e.s:e.e]
		}
	}
	if located != 1 || len(d) < 4 || !zeroBytes(d[:4]) {
		return notClean("HEIF Exif item data is not one TIFF structure at offset 0")
	}
	return verifyEXIF(d[4:], c.opt)
}
