package bmff

import "fmt"

// Bounds on what one meta box can make the parsers hold.
const (
	// MaxLocations bounds the iloc entries read.
	MaxLocations = 1 << 16
	// MaxExtents bounds the extents kept for one item (all are read).
	MaxExtents = 1024
	// MaxTotalExtents bounds the extents one iloc box may claim in all:
	// an extent of zero-byte fields costs nothing to claim.
	MaxTotalExtents = 1 << 16
	// MaxAssociations bounds the property associations read from ipma.
	MaxAssociations = 1 << 16
)

// Primary is a pitm box.
type Primary struct {
	Version uint8
	Flags   uint32
	ID      uint32
	Exact   bool // the payload holds nothing more
}

// ParsePitm reads a pitm box (item IDs are 32-bit from version 1). A short
// box returns what was read with an error.
func ParsePitm(bx Box) (Primary, error) {
	r := reader{b: bx.Data}
	var p Primary
	p.Version, p.Flags = r.full()
	p.ID = r.id(p.Version != 0)
	p.Exact = r.exact()
	return p, r.err
}

// ItemInfoList is an iinf box: the entry count it claims and its children
// (infe boxes), which follow a 16-bit count in version 0 and a 32-bit one
// after.
type ItemInfoList struct {
	Version uint8
	Flags   uint32
	Count   uint32
	Entries []Box
}

// ParseIinf reads an iinf box.
func ParseIinf(b []byte, bx Box) (ItemInfoList, error) {
	r := reader{b: bx.Data}
	var l ItemInfoList
	l.Version, l.Flags = r.full()
	if l.Version == 0 {
		l.Count = uint32(r.u16())
	} else {
		l.Count = r.u32()
	}
	if r.err != nil {
		return l, fmt.Errorf("truncated HEIF: iinf box")
	}
	var err error
	l.Entries, err = Children(b, bx, r.i)
	return l, err
}

// ItemInfo is an infe box.
type ItemInfo struct {
	Version    uint8
	Flags      uint32 // bit 0: hidden
	ID         uint32
	Protection uint16
	// Type is the item type ("hvc1", "av01", "grid", "Exif", "mime",
	// "uri ", ...) as stored; versions 0 and 1 describe an item by its
	// content type only, and read as "mime".
	Type        string
	Name        string
	ContentType string // mime items: the content type; uri items: the URI
}

// ParseInfe reads an infe box (versions 0 to 3). A short box returns what
// was read (later fields zero) with an error; the name and content type end
// at the end of the payload when their NUL is missing.
func ParseInfe(bx Box) (ItemInfo, error) {
	r := reader{b: bx.Data}
	var it ItemInfo
	it.Version, it.Flags = r.full()
	if it.Version >= 2 {
		it.ID = r.id(it.Version >= 3)
		it.Protection = r.u16()
		it.Type = string(r.bytes(4))
		it.Name = r.cstring()
		if it.Type == "mime" || it.Type == "uri " {
			it.ContentType = r.cstring()
		}
		return it, r.err
	}
	it.ID = uint32(r.u16())
	it.Protection = r.u16()
	it.Type = "mime"
	it.Name = r.cstring()
	it.ContentType = r.cstring()
	return it, r.err
}

// Reference is one entry of an iref box: an item and the items it refers
// to, by reference type ("dimg", "auxl", "thmb", "cdsc", ...).
type Reference struct {
	Box   Box
	Type  string
	From  uint32
	To    []uint32 // those read before any overrun
	Exact bool     // the entry was read whole and holds nothing more
}

// References is an iref box.
type References struct {
	Version uint8
	Flags   uint32
	Refs    []Reference
}

// ParseIref reads an iref box (item IDs are 32-bit from version 1).
func ParseIref(b []byte, bx Box) (References, error) {
	r := reader{b: bx.Data}
	var rs References
	rs.Version, rs.Flags = r.full()
	kids, err := Children(b, bx, 4)
	for _, k := range kids {
		kr := reader{b: k.Data}
		ref := Reference{Box: k, Type: k.Type, From: kr.id(rs.Version != 0)}
		n := int(kr.u16())
		for j := 0; j < n && kr.err == nil; j++ {
			if to := kr.id(rs.Version != 0); kr.err == nil {
				ref.To = append(ref.To, to)
			}
		}
		ref.Exact = kr.exact()
		rs.Refs = append(rs.Refs, ref)
	}
	return rs, err
}

// Extent is one extent of an item location.
type Extent struct {
	Index, Offset, Length uint64
}

// Location is one iloc entry.
type Location struct {
	ID         uint32
	Method     int    // construction method: 0 file offset, 1 idat, 2 item
	Reserved   uint16 // the 12 bits beside the method (zero in a sound file)
	DataRef    uint16
	BaseOffset uint64
	// ExtentCount is the number of extents the entry claims; Extents holds
	// the first MaxExtents of them.
	ExtentCount int
	Extents     []Extent
}

// Locations is an iloc box.
type Locations struct {
	Version                                         uint8
	Flags                                           uint32
	OffsetSize, LengthSize, BaseOffsetSize, IdxSize int
	Count                                           uint32 // entries claimed
	Items                                           []Location
	Exact                                           bool // read whole, nothing more
}

// ParseIloc reads an iloc box (versions 0 to 2). Entries read whole are
// kept, at most MaxLocations; on a short box the error comes with them.
func ParseIloc(d []byte) (Locations, error) {
	r := reader{b: d}
	var l Locations
	l.Version, l.Flags = r.full()
	sz, sz2 := r.u8(), r.u8()
	l.OffsetSize, l.LengthSize, l.BaseOffsetSize, l.IdxSize = int(sz>>4), int(sz&15), int(sz2>>4), int(sz2&15)
	if l.Version == 0 {
		l.IdxSize = 0
	}
	if l.Version < 2 {
		l.Count = uint32(r.u16())
	} else {
		l.Count = r.u32()
	}
	total := 0
	var extents []Extent // every location's extents are a window on this array
	for j := uint32(0); j < l.Count && r.err == nil && len(l.Items) < MaxLocations; j++ {
		loc := l.location(&r, &extents)
		if total += loc.ExtentCount; total > MaxTotalExtents {
			return l, fmt.Errorf("iloc claims more than %d extents", MaxTotalExtents)
		}
		if r.err == nil {
			l.Items = append(l.Items, loc)
		}
	}
	l.Exact = r.exact() && len(l.Items) == int(l.Count)
	return l, r.err
}

// location reads one iloc entry, its extents appended to all.
func (l *Locations) location(r *reader, all *[]Extent) Location {
	loc := Location{ID: r.id(l.Version >= 2)}
	if l.Version == 1 || l.Version == 2 {
		m := r.u16()
		loc.Method, loc.Reserved = int(m&15), m>>4
	}
	loc.DataRef = r.u16()
	loc.BaseOffset = r.uintN(l.BaseOffsetSize)
	loc.ExtentCount = int(r.u16())
	start := len(*all)
	for k := 0; k < loc.ExtentCount && r.err == nil; k++ {
		e := Extent{Index: r.uintN(l.IdxSize), Offset: r.uintN(l.OffsetSize), Length: r.uintN(l.LengthSize)}
		if r.err == nil && len(*all)-start < MaxExtents {
			*all = append(*all, e)
		}
	}
	loc.Extents = (*all)[start:len(*all):len(*all)]
	return loc
}

// Association links an item to a property: its 1-based index in ipco.
type Association struct {
	Essential bool
	Index     int
}

// ItemProperties is one ipma entry.
type ItemProperties struct {
	ID    uint32
	Props []Association
}

// Associations is an ipma box.
type Associations struct {
	Version uint8
	Flags   uint32 // bit 0: 15-bit property indices
	Count   uint32 // entries claimed
	Items   []ItemProperties
	Exact   bool // read whole, nothing more
}

// ParseIpma reads an ipma box (item IDs are 32-bit from version 1). Reading
// stops with an error after MaxAssociations associations.
func ParseIpma(d []byte) (Associations, error) {
	r := reader{b: d}
	var a Associations
	a.Version, a.Flags = r.full()
	a.Count = r.u32()
	// Every entry's associations are a window on one array, in order.
	var all []Association
	for j := uint32(0); j < a.Count && r.err == nil; j++ {
		e := ItemProperties{ID: r.id(a.Version >= 1)}
		cnt := int(r.u8())
		start := len(all)
		for k := 0; k < cnt && r.err == nil; k++ {
			var p Association
			if a.Flags&1 != 0 {
				x := r.u16()
				p = Association{x&0x8000 != 0, int(x & 0x7FFF)}
			} else {
				x := r.u8()
				p = Association{x&0x80 != 0, int(x & 0x7F)}
			}
			if r.err == nil {
				all = append(all, p)
			}
		}
		if len(all) > MaxAssociations {
			return a, fmt.Errorf("more than %d property associations", MaxAssociations)
		}
		e.Props = all[start:len(all):len(all)]
		a.Items = append(a.Items, e)
	}
	a.Exact = r.exact()
	return a, r.err
}
