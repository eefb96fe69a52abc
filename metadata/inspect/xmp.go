package inspect

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"codeberg.org/veil/veil/metadata"
)

const (
	maxXMPTokens = 200000
	maxXMPExt    = 32 << 20 // largest extended XMP reassembled
)

const rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

// xmpPrefixes maps namespace URIs to the prefixes people know them by.
var xmpPrefixes = map[string]string{
	"http://purl.org/dc/elements/1.1/":                         "dc",
	"http://ns.adobe.com/xap/1.0/":                             "xmp",
	"http://ns.adobe.com/xap/1.0/mm/":                          "xmpMM",
	"http://ns.adobe.com/xap/1.0/rights/":                      "xmpRights",
	"http://ns.adobe.com/xap/1.0/sType/ResourceEvent#":         "stEvt",
	"http://ns.adobe.com/xap/1.0/sType/ResourceRef#":           "stRef",
	"http://ns.adobe.com/xap/1.0/g/img/":                       "xmpGImg",
	"http://ns.adobe.com/xmp/note/":                            "xmpNote",
	"http://ns.adobe.com/photoshop/1.0/":                       "photoshop",
	"http://ns.adobe.com/tiff/1.0/":                            "tiff",
	"http://ns.adobe.com/exif/1.0/":                            "exif",
	"http://ns.adobe.com/exif/1.0/aux/":                        "aux",
	"http://cipa.jp/exif/1.0/":                                 "exifEX",
	"http://ns.adobe.com/camera-raw-settings/1.0/":             "crs",
	"http://ns.adobe.com/pdf/1.3/":                             "pdf",
	"http://ns.adobe.com/xmp/1.0/DynamicMedia/":                "xmpDM",
	"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/":              "Iptc4xmpCore",
	"http://iptc.org/std/Iptc4xmpExt/2008-02-29/":              "Iptc4xmpExt",
	"http://ns.useplus.org/ldf/xmp/1.0/":                       "plus",
	"http://www.metadataworkinggroup.com/schemas/regions/":     "mwg-rs",
	"http://ns.adobe.com/xmp/sType/Area#":                      "stArea",
	"http://ns.adobe.com/xmp/sType/Dimensions#":                "stDim",
	"http://ns.microsoft.com/photo/1.0/":                       "MicrosoftPhoto",
	"http://ns.microsoft.com/photo/1.2/":                       "MP",
	"http://ns.microsoft.com/photo/1.2/t/RegionInfo#":          "MPRI",
	"http://ns.microsoft.com/photo/1.2/t/Region#":              "MPReg",
	"http://ns.google.com/photos/1.0/camera/":                  "GCamera",
	"http://ns.google.com/photos/1.0/container/":               "Container",
	"http://ns.google.com/photos/1.0/container/item/":          "Item",
	"http://ns.google.com/photos/1.0/depthmap/":                "GDepth",
	"http://ns.google.com/photos/1.0/image/":                   "GImage",
	"http://ns.google.com/photos/1.0/panorama/":                "GPano",
	"http://ns.google.com/photos/dd/1.0/device/":               "Device",
	"http://ns.adobe.com/hdr-gain-map/1.0/":                    "hdrgm",
	"http://ns.apple.com/HDRGainMap/1.0/":                      "HDRGainMap",
	"http://ns.apple.com/pixeldatainfo/1.0/":                   "apdi",
	"adobe:ns:meta/":                                           "x",
	"http://www.dji.com/drone-dji/1.0/":                        "drone-dji",
	"http://www.photomechanic.com/xmp/1.0/":                    "photomechanic",
	"http://ns.fastpictureviewer.com/xmp/1.0/":                 "fpv",
	"http://ns.adobe.com/xmp/1.0/Container/":                   "Container",
	"http://ns.adobe.com/photoshop/1.0/camera-profile":         "stCamera",
	"http://ns.acdsee.com/iptc/1.0/":                           "acdsee",
	"http://www.digikam.org/ns/1.0/":                           "digiKam",
	"http://ns.adobe.com/lightroom/1.0/":                       "lr",
	"http://ns.google.com/photos/1.0/audio/":                   "GAudio",
	"http://ns.google.com/photos/1.0/creations/":               "GCreations",
	"http://ns.adobe.com/xmp/Identifier/qual/1.0/":             "xmpidq",
	"http://ns.adobe.com/xap/1.0/bj/":                          "xmpBJ",
	"http://ns.adobe.com/xap/1.0/t/pg/":                        "xmpTPg",
	"http://ns.adobe.com/exif/1.0/aux":                         "aux",
	"http://ns.adobe.com/xmp/1.0/Container/Item/":              "Item",
	"http://ns.microsoft.com/expressionmedia/1.0/":             "mediapro",
	"http://ns.iview-multimedia.com/mediapro/1.0/":             "mediapro",
	"http://www.dpreview.com/claro/1.0/":                       "claro",
	"http://prismstandard.org/namespaces/basic/2.0/":           "prism",
	"http://ns.nikon.com/nine/1.0/":                            "nine",
	"http://ns.adobe.com/xmp/1.0/DynamicMedia/Tracks/":         "xmpDMTracks",
	"http://ns.adobe.com/ai/1.0/":                              "ai",
	"http://ns.adobe.com/xap/1.0/sType/Version#":               "stVer",
	"http://ns.adobe.com/xap/1.0/sType/ManifestItem#":          "stMfs",
	"http://ns.adobe.com/xap/1.0/sType/Job#":                   "stJob",
	"http://ns.adobe.com/xap/1.0/sType/Font#":                  "stFnt",
	"http://ns.adobe.com/photoshop/1.0/panorama-profile":       "pano",
	"http://ns.google.com/photos/1.0/camera/depthmap/":         "GDepth",
	"http://ns.adobe.com/illustrator/1.0/":                     "illustrator",
	"http://www.w3.org/2003/12/exif/ns#":                       "exifW3C",
	"http://ns.adobe.com/xap/1.0/sType/Dimensions#":            "stDim",
	"http://ns.adobe.com/creatorAtom/1.0/":                     "creatorAtom",
	"http://ns.adobe.com/xmp/1.0/ResourceRef#":                 "stRef",
	"http://ns.adobe.com/xap/1.0/sType/ResourceRef#/":          "stRef",
	"http://ns.useplus.org/ldf/vocab/":                         "plus",
	"http://ns.adobe.com/exif/1.0/PhotoshopRaw/":               "psraw",
	"http://iptc.org/std/Iptc4xmpExt/2008-02-29/xmlns/":        "Iptc4xmpExt",
	"http://ns.adobe.com/DICOM/":                               "DICOM",
	"http://ns.google.com/photos/1.0/panorama/sphere/":         "GSpherical",
	"http://www.metadataworkinggroup.com/schemas/keywords/":    "mwg-kw",
	"http://www.metadataworkinggroup.com/schemas/collections/": "mwg-coll",
}

// xmpProperty is one top-level property of an XMP packet with its leaf values.
type xmpProperty struct {
	prefix, name string
	leaves       []xmpLeaf
}

type xmpLeaf struct {
	name  string // local name of the element or attribute holding the value
	value string // the value, cut after 4 KB
	size  int    // the value's full length in bytes
}

func (p *xmpProperty) key() string { return p.prefix + ":" + p.name }

func (p *xmpProperty) join(sep string) string {
	var vs []string
	for _, l := range p.leaves {
		if l.value != "" {
			vs = append(vs, l.value)
		}
	}
	return strings.Join(vs, sep)
}

// xmpPrefix returns the prefix for a namespace URI.
func xmpPrefix(uri string) string {
	for _, u := range []string{uri, uri + "/", strings.TrimRight(uri, "/#")} {
		if p, ok := xmpPrefixes[u]; ok {
			return p
		}
	}
	// An unknown namespace: name it after the last path component that is
	// not a version number ("http://example.com/foo/1.0/" -> "foo").
	parts := strings.FieldsFunc(uri, func(r rune) bool { return r == '/' || r == '#' || r == ':' })
	for i := len(parts) - 1; i >= 0; i-- {
		if strings.Trim(parts[i], "0123456789.") != "" {
			return parts[i]
		}
	}
	return "ns"
}

func xmpName(n xml.Name) xml.Name {
	switch n.Space {
	case "rdf":
		n.Space = rdfNS
	case "x":
		n.Space = "adobe:ns:meta/"
	}
	return n
}

// parseXMP reads the top-level properties of an XMP packet. It returns
// what it read before any syntax error, with the error.
func parseXMP(b []byte) (props []*xmpProperty, toolkit string, err error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	type frame struct {
		name   xml.Name
		isDesc bool
		text   strings.Builder
		size   int
	}
	var stack []*frame
	var cur *xmpProperty
	curDepth := -1 // stack depth of the current property's element
	tokens := 0
	for {
		tok, e := d.Token()
		if e == io.EOF {
			break
		}
		if e != nil {
			err = e
			break
		}
		tokens++
		if tokens > maxXMPTokens {
			err = fmt.Errorf("more than %d XML tokens", maxXMPTokens)
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// Undeclared prefixes stay as written; damaged packets often omit
			// the declarations of the two that carry structure.
			t.Name = xmpName(t.Name)
			for i := range t.Attr {
				t.Attr[i].Name = xmpName(t.Attr[i].Name)
			}
			f := &frame{name: t.Name, isDesc: t.Name.Space == rdfNS && t.Name.Local == "Description"}
			parentIsDesc := len(stack) > 0 && stack[len(stack)-1].isDesc
			if t.Name.Space == "adobe:ns:meta/" && t.Name.Local == "xmpmeta" {
				for _, a := range t.Attr {
					if a.Name.Local == "xmptk" {
						toolkit = a.Value
					}
				}
			}
			if cur == nil && parentIsDesc && !f.isDesc {
				cur = &xmpProperty{prefix: xmpPrefix(t.Name.Space), name: t.Name.Local}
				curDepth = len(stack)
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
					continue
				}
				if a.Name.Space == rdfNS {
					if a.Name.Local == "resource" && cur != nil {
						cur.leaves = append(cur.leaves, xmpLeaf{t.Name.Local, a.Value[:min(len(a.Value), 4096)], len(a.Value)})
					}
					continue
				}
				switch {
				case cur != nil:
					cur.leaves = append(cur.leaves, xmpLeaf{a.Name.Local, a.Value[:min(len(a.Value), 4096)], len(a.Value)})
				case f.isDesc:
					// Short form: a property as an attribute of rdf:Description.
					props = append(props, &xmpProperty{prefix: xmpPrefix(a.Name.Space), name: a.Name.Local, leaves: []xmpLeaf{{a.Name.Local, a.Value[:min(len(a.Value), 4096)], len(a.Value)}}})
				}
			}
			stack = append(stack, f)
		case xml.CharData:
			// Only the start of a value is ever shown: keep memory bounded.
			if cur != nil && len(stack) > 0 {
				f := stack[len(stack)-1]
				f.size += len(t)
				if f.text.Len() < 4096 {
					f.text.Write(t[:min(len(t), 4096)])
				}
			}
		case xml.EndElement:
			t.Name = xmpName(t.Name)
			if len(stack) == 0 {
				continue
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if cur != nil {
				if s := strings.TrimSpace(f.text.String()); s != "" {
					name := f.name.Local
					if f.name.Space == rdfNS && len(stack) > 1 {
						// rdf:li takes the name of the property it belongs to.
						name = stack[len(stack)-2].name.Local
					}
					cur.leaves = append(cur.leaves, xmpLeaf{name, s, f.size})
				}
				if len(stack) == curDepth {
					props = append(props, cur)
					cur, curDepth = nil, -1
				}
			}
		}
	}
	if cur != nil {
		// A damaged packet: keep the text read so far.
		for _, f := range stack[curDepth:] {
			if s := strings.TrimSpace(f.text.String()); s != "" {
				cur.leaves = append(cur.leaves, xmpLeaf{f.name.Local, s, f.size})
			}
		}
		props = append(props, cur)
	}
	return props, toolkit, err
}

// xmpUTF8 converts a UTF-16 packet (allowed by the XMP spec, written by
// old Adobe tools) to UTF-8.
func xmpUTF8(b []byte) []byte {
	var bo binary.ByteOrder
	switch {
	case len(b) >= 4 && b[0] == '<' && b[1] == 0 && b[3] == 0:
		bo = binary.LittleEndian
	case len(b) >= 4 && b[0] == 0 && b[1] == '<' && b[2] == 0:
		bo = binary.BigEndian
	default:
		return b
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, bo.Uint16(b[i:]))
	}
	return []byte(string(utf16.Decode(u)))
}

// xmp inspects an XMP packet.
func (in *inspector) xmp(b []byte, where string, depth int) {
	if depth > maxDepth {
		return
	}
	b = xmpUTF8(b)
	if i := bytes.Index(b, []byte("<")); i > 0 {
		b = b[i:]
	}
	// Writers pad packets (and some leave NULs after them): stop at the end
	// of the packet when it is marked.
	if i := bytes.Index(b, []byte("<?xpacket end")); i >= 0 {
		if j := bytes.Index(b[i:], []byte("?>")); j >= 0 {
			b = b[:i+j+2]
		}
	} else if i := bytes.LastIndex(b, []byte("</x:xmpmeta>")); i >= 0 {
		b = b[:i+len("</x:xmpmeta>")]
	}
	var props []*xmpProperty
	var toolkit string
	var err error
	in.guard(where, "XMP", func() { props, toolkit, err = parseXMP(b) })
	n := len(in.findings)
	if toolkit != "" {
		in.add(metadata.Software, metadata.Low, where, "XMP toolkit (x:xmptk)", toolkit)
	}
	for _, p := range props {
		in.xmpProp(p, where, depth)
	}
	if err != nil {
		in.add(metadata.Other, metadata.Medium, where, "Damaged XMP", err.Error())
	}
	if len(in.findings) == n {
		in.add(metadata.Other, metadata.Low, where, "XMP packet", sizeText(len(b))+", no properties")
	}
}

// xmpProp reports one XMP property.
func (in *inspector) xmpProp(p *xmpProperty, where string, depth int) {
	key := p.key()
	val := p.join("; ")
	c, s := xmpClass(p.prefix, p.name)
	switch {
	case key == "mwg-rs:Regions" || key == "MP:RegionInfo" || key == "MPRI:Regions":
		var names []string
		regions := 0
		for _, l := range p.leaves {
			switch l.name {
			case "Name", "PersonDisplayName":
				names = append(names, l.value)
			case "Type", "Rectangle":
				regions++
			}
		}
		if len(names) > 0 {
			in.add(metadata.People, metadata.High, where, "Face region names ("+key+")", strings.Join(names, ", "))
		} else {
			in.add(metadata.People, metadata.Medium, where, "Face regions ("+key+")", fmt.Sprintf("%d regions, no names", max(regions, 1)))
		}
		return
	case key == "xmpMM:History" || key == "photoshop:History":
		var steps []string
		for _, l := range p.leaves {
			switch l.name {
			case "action", "softwareAgent", "when", "History", "changed", "parameters":
				steps = append(steps, l.value)
			}
		}
		if len(steps) == 0 {
			steps = []string{val}
		}
		in.add(metadata.Software, metadata.Medium, where, "Edit history ("+key+")", strings.Join(steps, "; "))
		return
	case p.prefix == "exif" && (p.name == "GPSLatitude" || p.name == "GPSLongitude" || p.name == "GPSDestLatitude" || p.name == "GPSDestLongitude"):
		if d, ok := xmpCoord(val); ok {
			val = strconv.FormatFloat(d, 'f', 6, 64)
		}
	case p.prefix == "GDepth" && p.name == "Data", p.prefix == "GImage" && p.name == "Data", p.prefix == "xmpGImg" && p.name == "image", key == "xmp:Thumbnails":
		size := 0
		for _, l := range p.leaves {
			size += l.size
		}
		in.add(metadata.HiddenImages, metadata.High, where, "Embedded image ("+key+")", fmt.Sprintf("about %s, base64-encoded", sizeText(size*3/4)))
		return
	case key == "xmpNote:HasExtendedXMP":
		in.add(metadata.Other, metadata.Low, where, key, val+" (the packet continues in extended XMP)")
		return
	}
	if val == "" {
		val = "(empty)"
	}
	in.add(c, s, where, key, val)
}

// xmpClass decides the category and severity of an XMP property.
func xmpClass(prefix, name string) (metadata.Category, metadata.Severity) {
	key := prefix + ":" + name
	lname := strings.ToLower(name)
	switch {
	case strings.Contains(lname, "gps") || strings.HasPrefix(prefix, "drone") && (strings.Contains(lname, "lat") || strings.Contains(lname, "lon") || strings.Contains(lname, "alt")):
		return metadata.Location, metadata.High
	case key == "photoshop:City" || key == "photoshop:State" || key == "photoshop:Country" || strings.HasPrefix(key, "Iptc4xmpCore:Location") || key == "Iptc4xmpCore:CountryCode" ||
		key == "Iptc4xmpExt:LocationShown" || key == "Iptc4xmpExt:LocationCreated" || key == "Iptc4xmpExt:City" || key == "Iptc4xmpExt:Sublocation":
		return metadata.Location, metadata.High
	case key == "dc:creator" || key == "dc:rights" || key == "dc:contributor" || key == "dc:publisher" || prefix == "xmpRights" || prefix == "plus" ||
		key == "photoshop:AuthorsPosition" || key == "photoshop:CaptionWriter" || key == "photoshop:Credit" || key == "Iptc4xmpCore:CreatorContactInfo" ||
		key == "Iptc4xmpExt:PersonInImage" || key == "aux:OwnerName" || key == "exifEX:CameraOwnerName" || key == "xmpDM:artist" || key == "MicrosoftPhoto:Author" ||
		key == "tiff:Artist" || key == "tiff:Copyright" || key == "xmp:Author" || key == "exifEX:Photographer":
		return metadata.People, metadata.High
	case lname == "serialnumber" || strings.Contains(lname, "serialnumber") || key == "aux:ImageNumber" || key == "exif:ImageUniqueID" || key == "exifEX:ImageUniqueID" ||
		key == "xmpMM:DocumentID" || key == "xmpMM:InstanceID" || key == "xmpMM:OriginalDocumentID" || key == "Device:Identifier":
		if prefix == "xmpMM" {
			return metadata.Software, metadata.Medium
		}
		return metadata.Device, metadata.High
	case key == "tiff:Make" || key == "tiff:Model" || prefix == "aux" || strings.HasPrefix(lname, "lens") || prefix == "Device":
		return metadata.Device, metadata.Medium
	case strings.Contains(lname, "date") || strings.HasSuffix(lname, "time") && !strings.Contains(lname, "exposure"):
		return metadata.Time, metadata.Medium
	case key == "xmp:CreatorTool" || prefix == "xmpMM" || prefix == "stEvt" || prefix == "crs" || prefix == "photomechanic" || prefix == "pdf" || prefix == "lr" ||
		key == "photoshop:DocumentAncestors" || key == "photoshop:ICCProfile" || key == "photoshop:ColorMode" || prefix == "digiKam" || prefix == "acdsee" || prefix == "xmpBJ" || prefix == "xmpTPg":
		return metadata.Software, metadata.Medium
	case prefix == "GCamera" || prefix == "Container" || prefix == "Item" || prefix == "hdrgm" || prefix == "HDRGainMap" || prefix == "GDepth" || prefix == "GImage" || prefix == "GAudio" || prefix == "apdi":
		return metadata.HiddenImages, metadata.Medium
	case prefix == "exif" || prefix == "exifEX" || prefix == "tiff" || prefix == "GPano":
		return metadata.Device, metadata.Low
	case prefix == "dc" || prefix == "photoshop" || prefix == "Iptc4xmpCore" || prefix == "Iptc4xmpExt" || prefix == "MicrosoftPhoto" || prefix == "mwg-kw" || prefix == "xmp" && name == "Label":
		return metadata.Other, metadata.Medium
	}
	return metadata.Other, metadata.Low
}

// xmpCoord converts XMP "51,30.042N" (or "51,30,2.5N") to decimal degrees.
func xmpCoord(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	ref := s[len(s)-1]
	neg := false
	switch ref {
	case 'N', 'E', 'n', 'e':
		s = s[:len(s)-1]
	case 'S', 'W', 's', 'w':
		s, neg = s[:len(s)-1], true
	}
	var v []float64
	for _, part := range strings.Split(s, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return 0, false
		}
		v = append(v, f)
	}
	d, ok := degrees(v)
	if neg {
		d = -d
	}
	return d, ok
}

// extXMP collects the chunks of one extended XMP packet.
type extXMP struct {
	where string
	data  []byte
	got   int
}

// xmpExtended records an APP1 extended-XMP chunk: 32-byte GUID, total length,
// offset, data.
func (in *inspector) xmpExtended(p []byte, where string) {
	p = p[len("http://ns.adobe.com/xmp/extension/\x00"):]
	if len(p) < 40 {
		in.add(metadata.Other, metadata.Medium, where, "Damaged extended XMP", sizeText(len(p))+" (too short)")
		return
	}
	guid := string(p[:32])
	total, off := binary.BigEndian.Uint32(p[32:]), binary.BigEndian.Uint32(p[36:])
	data := p[40:]
	if in.xmpExt == nil {
		in.xmpExt = map[string]*extXMP{}
	}
	x := in.xmpExt[guid]
	if x == nil {
		// Every chunk comes from the file, so a packet larger than the file
		// (or than what is left of the budget) is a lie.
		if total > maxXMPExt || int64(total) > int64(len(in.file)) || in.extBytes+int(total) > maxXMPExt || len(in.xmpExt) > 16 {
			in.add(metadata.Other, metadata.Medium, where, "Extended XMP", fmt.Sprintf("%s claimed (too large to read)", sizeText(int(min(total, 1<<30)))))
			return
		}
		in.extBytes += int(total)
		x = &extXMP{where: where, data: make([]byte, total)}
		in.xmpExt[guid] = x
	}
	if int64(off)+int64(len(data)) <= int64(len(x.data)) {
		copy(x.data[off:], data)
		x.got += len(data)
	}
}

func (in *inspector) finishXMPExt() {
	keys := make([]string, 0, len(in.xmpExt))
	for k := range in.xmpExt {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x := in.xmpExt[k]
		in.add(metadata.Other, metadata.Medium, x.where, "Extended XMP", fmt.Sprintf("%s in %s", sizeText(len(x.data)), "several APP1 segments"))
		in.xmp(x.data[:min(x.got, len(x.data))], x.where, 1)
	}
	in.xmpExt = nil
}
