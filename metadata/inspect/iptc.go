package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/metadata"
)

// iptcTags names IPTC-IIM datasets of the application record (2) and the
// envelope record (1), with how much they reveal.
var iptcTags = map[[2]byte]tagInfo{
	{1, 0}:   {"Envelope record version", metadata.Other, metadata.Low},
	{1, 5}:   {"Destination", metadata.Other, metadata.Medium},
	{1, 20}:  {"File format", metadata.Other, metadata.Low},
	{1, 30}:  {"Service identifier", metadata.Other, metadata.Low},
	{1, 40}:  {"Envelope number", metadata.Other, metadata.Low},
	{1, 50}:  {"Product ID", metadata.Other, metadata.Low},
	{1, 70}:  {"Date sent", metadata.Time, metadata.Medium},
	{1, 80}:  {"Time sent", metadata.Time, metadata.Medium},
	{1, 90}:  {"Coded character set", metadata.Other, metadata.Low},
	{1, 100}: {"Unique object name", metadata.Other, metadata.Medium},
	{2, 0}:   {"Application record version", metadata.Other, metadata.Low},
	{2, 3}:   {"Object type reference", metadata.Other, metadata.Low},
	{2, 4}:   {"Object attribute reference", metadata.Other, metadata.Low},
	{2, 5}:   {"Object name", metadata.Other, metadata.Medium},
	{2, 7}:   {"Edit status", metadata.Other, metadata.Low},
	{2, 10}:  {"Urgency", metadata.Other, metadata.Low},
	{2, 12}:  {"Subject reference", metadata.Other, metadata.Low},
	{2, 15}:  {"Category", metadata.Other, metadata.Low},
	{2, 20}:  {"Supplemental categories", metadata.Other, metadata.Low},
	{2, 22}:  {"Fixture identifier", metadata.Other, metadata.Low},
	{2, 25}:  {"Keywords", metadata.Other, metadata.Medium},
	{2, 26}:  {"Content location code", metadata.Location, metadata.High},
	{2, 27}:  {"Content location name", metadata.Location, metadata.High},
	{2, 30}:  {"Release date", metadata.Time, metadata.Medium},
	{2, 35}:  {"Release time", metadata.Time, metadata.Medium},
	{2, 37}:  {"Expiration date", metadata.Time, metadata.Low},
	{2, 38}:  {"Expiration time", metadata.Time, metadata.Low},
	{2, 40}:  {"Special instructions", metadata.Other, metadata.Medium},
	{2, 45}:  {"Reference service", metadata.Other, metadata.Low},
	{2, 47}:  {"Reference date", metadata.Time, metadata.Low},
	{2, 50}:  {"Reference number", metadata.Other, metadata.Low},
	{2, 55}:  {"Date created", metadata.Time, metadata.Medium},
	{2, 60}:  {"Time created", metadata.Time, metadata.Medium},
	{2, 62}:  {"Digital creation date", metadata.Time, metadata.Medium},
	{2, 63}:  {"Digital creation time", metadata.Time, metadata.Medium},
	{2, 65}:  {"Originating program", metadata.Software, metadata.Medium},
	{2, 70}:  {"Program version", metadata.Software, metadata.Low},
	{2, 75}:  {"Object cycle", metadata.Other, metadata.Low},
	{2, 80}:  {"By-line", metadata.People, metadata.High},
	{2, 85}:  {"By-line title", metadata.People, metadata.Medium},
	{2, 90}:  {"City", metadata.Location, metadata.High},
	{2, 92}:  {"Sub-location", metadata.Location, metadata.High},
	{2, 95}:  {"Province-State", metadata.Location, metadata.High},
	{2, 100}: {"Country-Primary location code", metadata.Location, metadata.Medium},
	{2, 101}: {"Country-Primary location name", metadata.Location, metadata.Medium},
	{2, 103}: {"Original transmission reference", metadata.Other, metadata.Medium},
	{2, 105}: {"Headline", metadata.Other, metadata.Medium},
	{2, 110}: {"Credit", metadata.People, metadata.High},
	{2, 115}: {"Source", metadata.People, metadata.Medium},
	{2, 116}: {"Copyright notice", metadata.People, metadata.High},
	{2, 118}: {"Contact", metadata.People, metadata.High},
	{2, 120}: {"Caption-Abstract", metadata.Other, metadata.Medium},
	{2, 121}: {"Local caption", metadata.Other, metadata.Medium},
	{2, 122}: {"Writer-Editor", metadata.People, metadata.High},
	{2, 130}: {"Image type", metadata.Other, metadata.Low},
	{2, 131}: {"Image orientation", metadata.Other, metadata.Low},
	{2, 135}: {"Language identifier", metadata.Other, metadata.Low},
	{2, 184}: {"Job ID", metadata.Other, metadata.Low},
	{2, 200}: {"Object preview file format", metadata.HiddenImages, metadata.Low},
	{2, 201}: {"Object preview file version", metadata.HiddenImages, metadata.Low},
	{2, 202}: {"Object preview data", metadata.HiddenImages, metadata.High},
	{2, 221}: {"Prefs", metadata.Software, metadata.Low},
	{2, 225}: {"Classify state", metadata.Other, metadata.Low},
	{2, 228}: {"Similarity index", metadata.Other, metadata.Low},
	{2, 230}: {"Document notes", metadata.Other, metadata.Medium},
	{2, 231}: {"Document history", metadata.Software, metadata.Medium},
	{2, 232}: {"Exif camera info", metadata.Device, metadata.Medium},
}

// iptc inspects IPTC-IIM data (a sequence of 0x1C-tagged datasets).
func (in *inspector) iptc(b []byte, where string) {
	in.guard(where, "IPTC", func() {
		var utf8 bool
		vals := map[[2]byte][]string{}
		var order [][2]byte
		i := 0
		for n := 0; i+5 <= len(b) && n < 10000; n++ {
			if b[i] != 0x1C {
				if bytes.Count(b[i:], []byte{0}) == len(b)-i {
					break // zero padding
				}
				in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", fmt.Sprintf("unexpected byte at %d", i))
				break
			}
			rec, ds := b[i+1], b[i+2]
			size := int(binary.BigEndian.Uint16(b[i+3:]))
			i += 5
			if size&0x8000 != 0 { // extended dataset: the next size&0x7FFF bytes hold the length
				k := size & 0x7FFF
				if k > 4 || i+k > len(b) {
					in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", "bad extended length")
					return
				}
				size = 0
				for _, c := range b[i : i+k] {
					size = size<<8 | int(c)
				}
				i += k
			}
			if size < 0 || i+size > len(b) {
				in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", fmt.Sprintf("dataset %d:%d runs past the end", rec, ds))
				size = len(b) - i
			}
			v := b[i : i+size]
			i += size
			key := [2]byte{rec, ds}
			if key == [2]byte{1, 90} && bytes.Contains(v, []byte("\x1b%G")) {
				utf8 = true
			}
			if _, seen := vals[key]; !seen {
				order = append(order, key)
			}
			s := string(v)
			if !utf8 && !isPrintable(s) {
				s = asciiText(v)
			}
			if key == [2]byte{2, 0} || key == [2]byte{1, 0} || key == [2]byte{1, 90} {
				if len(v) == 2 {
					s = fmt.Sprint(binary.BigEndian.Uint16(v))
				} else if key == [2]byte{1, 90} {
					s = "UTF-8"
					if !utf8 {
						s = fmt.Sprintf("%q", v)
					}
				}
			}
			if key == [2]byte{2, 55} || key == [2]byte{2, 62} || key == [2]byte{2, 30} {
				if len(s) == 8 {
					s = s[:4] + "-" + s[4:6] + "-" + s[6:]
				}
			}
			if key == [2]byte{2, 202} {
				s = imageDesc(v) + " (a preview image)"
			}
			vals[key] = append(vals[key], strings.TrimSpace(s))
		}
		for _, k := range order {
			tg, ok := iptcTags[k]
			if !ok {
				rec := "envelope"
				if k[0] == 2 {
					rec = "application"
				}
				tg = tagInfo{fmt.Sprintf("IPTC %s record %d", rec, k[1]), metadata.Other, metadata.Low}
				if k[0] != 1 && k[0] != 2 {
					tg.name = fmt.Sprintf("IPTC record %d:%d", k[0], k[1])
				}
			}
			in.add(tg.cat, tg.sev, where, tg.name, strings.Join(vals[k], "; "))
		}
		if len(order) == 0 {
			in.add(metadata.Other, metadata.Low, where, "IPTC block", sizeText(len(b))+", no datasets")
		}
	})
}

// irbNames names Photoshop image resources worth naming.
var irbNames = map[uint16]tagInfo{
	0x03E8: {"Photoshop 2.0 info", metadata.Software, metadata.Low},
	0x03ED: {"Resolution info", metadata.Other, metadata.Low},
	0x03F3: {"Print flags", metadata.Software, metadata.Low},
	0x0406: {"JPEG quality", metadata.Software, metadata.Low},
	0x0408: {"Grid and guides", metadata.Software, metadata.Low},
	0x040A: {"Copyright flag", metadata.People, metadata.Low},
	0x040B: {"URL", metadata.People, metadata.Medium},
	0x040D: {"Global angle", metadata.Software, metadata.Low},
	0x0414: {"Document-specific IDs seed", metadata.Software, metadata.Low},
	0x0415: {"Unicode alpha names", metadata.Software, metadata.Low},
	0x0419: {"Global altitude", metadata.Software, metadata.Low},
	0x041A: {"Slices", metadata.Software, metadata.Low},
	0x041E: {"URL list", metadata.People, metadata.Medium},
	0x0421: {"Version info", metadata.Software, metadata.Medium},
	0x0425: {"IPTC digest", metadata.Other, metadata.Low},
	0x0426: {"Print scale", metadata.Software, metadata.Low},
	0x0428: {"Pixel aspect ratio", metadata.Other, metadata.Low},
	0x043A: {"Print info", metadata.Software, metadata.Medium},
	0x043B: {"Print style", metadata.Software, metadata.Low},
	0x2710: {"Print flags info", metadata.Software, metadata.Low},
	0x0BB7: {"Clipping path name", metadata.Software, metadata.Low},
}

// irb inspects Photoshop image resource blocks ("8BIM" records), optionally
// preceded by "Photoshop 3.0\0".
func (in *inspector) irb(b []byte, where string, depth int) {
	if depth > maxDepth {
		return
	}
	b = bytes.TrimPrefix(b, []byte("Photoshop 3.0\x00"))
	in.guard(where, "Photoshop resources", func() {
		i, n := 0, 0
		for ; i+12 <= len(b) && n < 4096; n++ {
			sig := string(b[i : i+4])
			if sig != "8BIM" && sig != "PHUT" && sig != "AgHg" && sig != "DCSR" && sig != "MeSa" {
				if bytes.Count(b[i:], []byte{0}) != len(b)-i {
					in.add(metadata.Other, metadata.Medium, where, "Damaged Photoshop resources", fmt.Sprintf("bad signature at %d", i))
				}
				return
			}
			id := binary.BigEndian.Uint16(b[i+4:])
			nameLen := int(b[i+6])
			nl := 1 + nameLen // the Pascal name is padded to an even length
			if nl%2 != 0 {
				nl++
			}
			p := 6 + nl
			if i+p+4 > len(b) {
				in.add(metadata.Other, metadata.Medium, where, "Damaged Photoshop resources", "truncated resource header")
				return
			}
			size := int(binary.BigEndian.Uint32(b[i+p:]))
			start := i + p + 4
			if size < 0 || size > len(b)-start {
				in.add(metadata.Other, metadata.Medium, where, "Damaged Photoshop resources", fmt.Sprintf("resource 0x%04X runs past the end", id))
				size = len(b) - start
			}
			data := b[start : start+size]
			name := string(b[i+7 : i+7+nameLen])
			in.irbResource(id, name, data, where, depth)
			i = start + size
			if size%2 != 0 {
				i++
			}
		}
	})
}

func (in *inspector) irbResource(id uint16, name string, data []byte, where string, depth int) {
	switch id {
	case 0x0404:
		in.iptc(data, strings.Replace(where, "Photoshop", "IPTC", 1))
	case 0x0409, 0x040C:
		desc := sizeText(len(data))
		if len(data) > 28 {
			w, h := binary.BigEndian.Uint32(data[4:]), binary.BigEndian.Uint32(data[8:])
			desc = fmt.Sprintf("JPEG %dx%d, %s; %s", w, h, sizeText(len(data)-28), in.thumbNoteAt(where, data[28:]))
		}
		in.add(metadata.HiddenImages, metadata.High, where, "Photoshop thumbnail", desc)
	case 0x0422, 0x0423:
		in.tiff(data, where+" EXIF", depth+1)
	case 0x0424:
		in.xmp(data, where+" XMP", depth+1)
	case 0x040F:
		in.iccProfile(data, where+" ICC profile")
	case 0x03EF, 0x03F0, 0x03F1, 0x0400, 0x0402, 0x0416, 0x0417, 0x0418, 0x041C, 0x0432, 0x0433, 0x0434:
		// layer, colour and alpha bookkeeping: says nothing about anyone
		in.add(metadata.Other, metadata.Low, where, fmt.Sprintf("Photoshop resource 0x%04X", id), sizeText(len(data)))
	default:
		tg, ok := irbNames[id]
		if !ok {
			tg = tagInfo{fmt.Sprintf("Photoshop resource 0x%04X", id), metadata.Other, metadata.Low}
		}
		v := sizeText(len(data))
		if id == 0x0425 {
			v = fmt.Sprintf("%x", data)
		} else if id == 0x040B && looksText(data) {
			v = asciiText(data)
		} else if id == 0x041A {
			if s := sliceName(data); s != "" {
				v = s
			}
		}
		if name != "" {
			v += " (" + name + ")"
		}
		in.add(tg.cat, tg.sev, where, tg.name, v)
	}
}

// sliceName reads the group name of a Photoshop slices resource (often a
// document's file name).
func sliceName(b []byte) string {
	if len(b) < 24 || binary.BigEndian.Uint32(b) != 6 {
		return ""
	}
	n := int(binary.BigEndian.Uint32(b[20:]))
	if n <= 0 || 24+2*n > len(b) {
		return ""
	}
	return utf16Text(b[24:24+2*n], binary.BigEndian)
}
