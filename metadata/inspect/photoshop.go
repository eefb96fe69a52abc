package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/metadata"
)

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
