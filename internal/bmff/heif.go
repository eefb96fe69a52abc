package bmff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/printable"
)

// Bounds of the lenient model.
const (
	maxDepth     = 8       // box nesting ParseHEIF descends into
	maxItems     = 1 << 16 // items it records
	maxRefs      = 4096    // references of one type from one item
	maxItemProps = 64      // properties of one item
)

// HEIF is the lenient item model of an ISO-BMFF file: what a report shows.
type HEIF struct {
	Boxes   []Box // every box, depth-first in file order
	Items   []*Item
	Primary uint32
}

// Item is one item of a meta box, with what the boxes say about it.
type Item struct {
	ID          uint32
	Type        string // item type, made printable
	ContentType string // mime items: content type; uri items: URI (printable)
	// Extents are the item's data, resolved to [start, end) offsets in the
	// file (construction methods 0 and 1); extents outside it are dropped.
	Extents [][2]int
	// Offset is where the item's first extent starts, or where its infe
	// box does when it has none.
	Offset  int
	Refs    map[string][]uint32 // references from this item, by type
	AuxType string              // the URN of an auxC property
	Props   []Box               // associated properties (ipco boxes)
}

// containers are the boxes whose payload is a plain sequence of boxes (meta,
// iinf and iref have fields before theirs and are read on their own).
var containers = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true, "udta": true,
	"dinf": true, "iprp": true, "ipco": true, "grpl": true, "edts": true, "mvex": true, "moof": true, "traf": true,
}

// heifParser holds the state of one ParseHEIF.
type heifParser struct {
	b     []byte
	f     *HEIF
	items map[uint32]*Item
	props []Box         // every ipco child, in order
	assoc []Association // Index is into props
	ids   []uint32      // the item of each association
	idat  *Box          // the last idat box
	locs  []Location    // every iloc entry
}

// ParseHEIF parses the box structure and the meta items of an ISO-BMFF file,
// leniently: what cannot be read is left out, and the error says why the
// walk stopped early. Items of every meta box are gathered in one model.
func ParseHEIF(b []byte) (*HEIF, error) {
	if len(b) < 12 || string(b[4:8]) != "ftyp" {
		return nil, errors.New("not a HEIF (no ftyp box)")
	}
	p := &heifParser{b: b, f: &HEIF{}, items: map[uint32]*Item{}}
	top, err := Walk(b, 0, len(b))
	if werr := p.walk(top, 0, ""); err == nil {
		err = werr
	}
	p.resolveLocations()
	p.associate()
	return p.f, err
}

// item returns the item with id, creating it (up to maxItems; past that a
// throwaway item is returned).
func (p *heifParser) item(id uint32) *Item {
	it := p.items[id]
	if it == nil {
		it = &Item{ID: id, Refs: map[string][]uint32{}}
		if len(p.items) < maxItems {
			p.items[id] = it
			p.f.Items = append(p.f.Items, it)
		}
	}
	return it
}

// walk records boxes and reads the item boxes among them.
func (p *heifParser) walk(boxes []Box, depth int, parent string) error {
	for _, bx := range boxes {
		if len(p.f.Boxes) >= MaxBoxes {
			return ErrTooMany
		}
		p.f.Boxes = append(p.f.Boxes, bx)
		if depth >= maxDepth {
			continue
		}
		if err := p.box(bx, depth, parent); err != nil {
			return err
		}
	}
	return nil
}

// box reads one box: descends into containers, reads item boxes.
func (p *heifParser) box(bx Box, depth int, parent string) error {
	switch {
	case bx.Type == "meta":
		return p.children(bx, 4, depth, "meta")
	case containers[bx.Type]:
		kids, err := Children(p.b, bx, 0)
		if err != nil {
			return err
		}
		if bx.Type == "ipco" {
			p.props = append(p.props, kids...)
		}
		return p.walk(kids, depth+1, bx.Type)
	case bx.Type == "iinf" && parent == "meta":
		l, err := ParseIinf(p.b, bx)
		if err != nil {
			return err
		}
		for _, k := range l.Entries {
			if k.Type == "infe" {
				p.infe(k)
			}
		}
		return p.walk(l.Entries, depth+1, "iinf")
	case bx.Type == "iref" && parent == "meta":
		rs, err := ParseIref(p.b, bx)
		if err != nil {
			return err
		}
		var kids []Box
		for _, r := range rs.Refs {
			kids = append(kids, r.Box)
			if len(r.To) == 0 {
				continue
			}
			it := p.item(r.From)
			room := max(0, maxRefs-len(it.Refs[r.Type]))
			it.Refs[r.Type] = append(it.Refs[r.Type], r.To[:min(len(r.To), room)]...)
		}
		return p.walk(kids, depth+1, "iref")
	case bx.Type == "pitm":
		pr, _ := ParsePitm(bx)
		p.f.Primary = pr.ID
	case bx.Type == "idat":
		bb := bx
		p.idat = &bb
	case bx.Type == "ipma":
		a, _ := ParseIpma(bx.Data)
		for _, e := range a.Items {
			for _, pr := range e.Props {
				if len(p.assoc) < MaxAssociations {
					p.assoc, p.ids = append(p.assoc, pr), append(p.ids, e.ID)
				}
			}
		}
	case bx.Type == "iloc":
		l, err := ParseIloc(bx.Data)
		for _, loc := range l.Items {
			p.item(loc.ID) // items are listed in the order the boxes name them
		}
		p.locs = append(p.locs, l.Items...)
		if err != nil {
			return fmt.Errorf("truncated HEIF: iloc box")
		}
	}
	return nil
}

// children walks the boxes inside bx after skip bytes of fields.
func (p *heifParser) children(bx Box, skip, depth int, parent string) error {
	kids, err := Children(p.b, bx, skip)
	if err != nil {
		return err
	}
	return p.walk(kids, depth+1, parent)
}

// infe records an item info entry.
func (p *heifParser) infe(k Box) {
	e, _ := ParseInfe(k)
	it := p.item(e.ID)
	it.Type = printable.String(e.Type)
	if e.Type == "mime" || e.Type == "uri " {
		it.ContentType = printable.String(e.ContentType)
	}
	it.Offset = k.Start
}

// resolveLocations turns iloc entries into extents in the file.
func (p *heifParser) resolveLocations() {
	for _, loc := range p.locs {
		it := p.item(loc.ID)
		for _, e := range loc.Extents {
			off, n := int64(loc.BaseOffset+e.Offset), int64(e.Length)
			switch loc.Method {
			case 0:
			case 1:
				if p.idat == nil {
					continue
				}
				off += int64(p.idat.PayloadStart())
			default:
				continue
			}
			if n == 0 { // length 0 means "to the end of the file"
				n = int64(len(p.b)) - off
			}
			if off >= 0 && n >= 0 && off <= int64(len(p.b)) && n <= int64(len(p.b))-off {
				it.Extents = append(it.Extents, [2]int{int(off), int(off + n)})
			}
		}
	}
}

// associate gives each item its properties, and the URN of an auxC.
func (p *heifParser) associate() {
	for k, a := range p.assoc {
		if a.Index == 0 || a.Index > len(p.props) {
			continue
		}
		pr := p.props[a.Index-1]
		it := p.item(p.ids[k])
		if len(it.Props) < maxItemProps {
			it.Props = append(it.Props, pr)
		}
		if pr.Type == "auxC" && len(pr.Data) > 4 {
			s := pr.Data[4:]
			if k := bytes.IndexByte(s, 0); k >= 0 {
				s = s[:k]
			}
			it.AuxType = printable.String(string(s))
		}
	}
}

// PrimaryICC returns the ICC profile of the primary item's colr property
// ("prof" or "rICC"), or nil.
func (f *HEIF) PrimaryICC() []byte {
	for _, it := range f.Items {
		if it.ID != f.Primary {
			continue
		}
		for _, p := range it.Props {
			if p.Type == "colr" && len(p.Data) > 4 && (string(p.Data[:4]) == "prof" || string(p.Data[:4]) == "rICC") {
				return p.Data[4:]
			}
		}
	}
	return nil
}

// ExifTIFF returns the TIFF structure of the first Exif item stored in one
// extent (its data starts with a 4-byte offset to the TIFF header), or nil.
func (f *HEIF) ExifTIFF(b []byte) []byte {
	for _, it := range f.Items {
		if it.Type != "Exif" || len(it.Extents) != 1 {
			continue
		}
		d := b[it.Extents[0][0]:it.Extents[0][1]]
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

// ItemName names an item by the part it plays: "Exif item", "mime item
// <content type>", "uri item <uri>", "thumbnail item", "auxiliary item
// <urn>", "primary item <type>", "grid", "tile item <type>", "image item
// <type>" or "item".
func (f *HEIF) ItemName(it *Item) string {
	refBy := func(typ string) bool { return len(it.Refs[typ]) > 0 }
	switch {
	case it.Type == "Exif":
		return "Exif item"
	case it.Type == "mime":
		return "mime item " + it.ContentType
	case it.Type == "uri ":
		return "uri item " + it.ContentType
	case refBy("thmb"):
		return "thumbnail item"
	case refBy("auxl"):
		if it.AuxType != "" {
			return "auxiliary item " + it.AuxType
		}
		return "auxiliary item"
	case it.ID == f.Primary:
		return "primary item " + it.Type
	case it.Type == "grid":
		return "grid"
	}
	for _, o := range f.Items {
		for _, to := range o.Refs["dimg"] {
			if to == it.ID {
				return "tile item " + it.Type
			}
		}
	}
	if it.Type == "" {
		return "item"
	}
	return "image item " + it.Type
}
