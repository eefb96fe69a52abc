package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

func (in *inspector) jpegBlock(b []byte, blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	switch blk.Name {
	case "SOI", "EOI", "DHT", "DAC", "DQT", "DRI", "DNL", "SOS", "APP14 Adobe":
		return
	case "APP0 JFIF":
		if len(p) >= 14 && p[12] > 0 && p[13] > 0 {
			in.add(metadata.HiddenImages, metadata.High, at("JFIF"), "JFIF thumbnail", fmt.Sprintf("%dx%d uncompressed, %s", p[12], p[13], sizeText(len(p)-14)))
		}
		return
	case "APP0 JFXX":
		desc := sizeText(len(p))
		if len(p) > 6 {
			switch p[5] {
			case 0x10:
				desc = imageDesc(p[6:]) + "; " + in.thumbNoteAt(at("JFXX"), p[6:])
			case 0x11:
				desc = "palette image, " + sizeText(len(p)-6)
			case 0x13:
				desc = "RGB image, " + sizeText(len(p)-6)
			}
		}
		in.add(metadata.HiddenImages, metadata.High, at("JFXX"), "JFXX thumbnail", desc)
		return
	case "APP1 Exif":
		if len(p) < 6 {
			in.add(metadata.Other, metadata.Medium, at("EXIF"), "Unreadable EXIF", "segment too short")
			return
		}
		in.tiff(p[6:], at("EXIF"), depth)
		return
	case "APP1 XMP":
		in.xmp(p[min(len(p), 29):], at("XMP"), depth)
		return
	case "APP1 XMP extended":
		in.xmpExtended(p, at("extended XMP"))
		return
	case "APP2 ICC_PROFILE":
		in.iccChunk(p, at("ICC profile"))
		return
	case "APP2 MPF":
		in.mpf(p, at("MPF"))
		return
	case "APP11 JUMBF":
		in.jumbf(p, at("C2PA/JUMBF"))
		return
	case "APP13 Photoshop":
		in.irb(p, at("Photoshop"), depth)
		return
	case "COM":
		in.add(metadata.Other, metadata.Medium, at("COM"), "Comment", trimText(p))
		return
	case "stray bytes":
		in.add(metadata.Other, metadata.Medium, at("between segments"), "Stray bytes", sizeText(len(p)))
		return
	}
	if blk.Kind == trailerBlock {
		in.trailer(blk, photo.JPEG, prefix, depth)
		return
	}
	name := blk.Name
	if !strings.HasPrefix(name, "APP") {
		if strings.HasPrefix(name, "SOF") || strings.HasPrefix(name, "RST") || strings.HasPrefix(name, "JPG") {
			return
		}
		in.add(metadata.Other, metadata.Low, at("JPEG "+name), "JPEG segment "+name, sizeText(len(p)))
		return
	}
	in.vendorAPP(name, p, at("JPEG "+strings.SplitN(name, " ", 2)[0]), depth)
}

// vendorAPP reports an APPn segment Veil has no special reader for.
func (in *inspector) vendorAPP(name string, p []byte, where string, depth int) {
	id := strings.TrimSpace(strings.SplitN(name, " ", 2)[len(strings.SplitN(name, " ", 2))-1])
	switch {
	case strings.HasSuffix(name, " Ducky"):
		in.ducky(p, where)
		return
	case strings.HasSuffix(name, " FLIR"):
		in.add(metadata.Device, metadata.High, where, "FLIR thermal data", sizeText(len(p))+" (thermal image, camera serial and settings)")
		return
	case strings.HasPrefix(name, "APP12") && bytes.Contains(p[:min(len(p), 64)], []byte("[picture info]")) || strings.HasSuffix(name, " PictureInfo"):
		in.add(metadata.Other, metadata.Medium, where, "Picture info", trimText(p))
		return
	case strings.HasPrefix(name, "APP1 ") && bytes.HasPrefix(p, []byte("Exif")):
		in.tiff(p[min(len(p), 6):], strings.Replace(where, "JPEG APP1", "EXIF", 1), depth)
		return
	case strings.HasPrefix(name, "APP2 FPXR"):
		in.add(metadata.Other, metadata.Medium, where, "FlashPix data", sizeText(len(p))+" (may hold a preview image, audio and edit history)")
		return
	}
	if id == name {
		id = ""
	}
	desc := sizeText(len(p))
	if s := printableRuns(p, 3, 4); s != "" {
		desc += ": " + s
	}
	field := "Vendor segment"
	if id != "" {
		field += " " + id
	}
	in.add(metadata.Other, metadata.Medium, where, field, desc)
}

// ducky reads Photoshop "Save for Web" APP12 Ducky records (quality, comment, copyright).
func (in *inspector) ducky(p []byte, where string) {
	p = p[min(len(p), 5):]
	for n := 0; len(p) >= 4 && n < 64; n++ {
		tag, size := binary.BigEndian.Uint16(p), int(binary.BigEndian.Uint16(p[2:]))
		if tag == 0 || 4+size > len(p) {
			break
		}
		v := p[4 : 4+size]
		p = p[4+size:]
		switch tag {
		case 1:
			if len(v) == 4 {
				in.add(metadata.Software, metadata.Low, where, "Ducky quality", fmt.Sprintf("%d%%", binary.BigEndian.Uint32(v)))
			}
		case 2, 3:
			s := ""
			if len(v) > 4 {
				s = utf16Text(v[4:], binary.BigEndian)
			}
			if tag == 2 {
				in.add(metadata.Other, metadata.Medium, where, "Ducky comment", s)
			} else {
				in.add(metadata.People, metadata.High, where, "Ducky copyright", s)
			}
		}
	}
}

// mpf reports the MPF index: how many images the file holds and of what kind.
func (in *inspector) mpf(p []byte, where string) {
	t, err := ifd.Parse(p[min(len(p), 4):])
	if err != nil {
		in.add(metadata.HiddenImages, metadata.Medium, where, "MPF index", "unreadable: "+err.Error())
		return
	}
	es, _, err := t.IFD(t.Order.Uint32(t.B[4:]))
	var kinds []string
	for _, e := range es {
		if e.Tag != ifd.MPEntry || e.Value == nil {
			continue
		}
		for k := 0; k+16 <= len(e.Value) && len(kinds) < 64; k += 16 {
			attr := t.Order.Uint32(e.Value[k:])
			kinds = append(kinds, mpfType(attr&0xFFFFFF))
		}
	}
	v := fmt.Sprintf("%d images", len(kinds))
	if len(kinds) > 0 {
		v += ": " + strings.Join(kinds, ", ")
	}
	if err != nil {
		v += " (damaged: " + err.Error() + ")"
	}
	sev := metadata.Medium
	if len(kinds) > 1 {
		sev = metadata.High
	}
	in.mpfKinds = kinds
	in.add(metadata.HiddenImages, sev, where, "MPF index", v)
}

func mpfType(t uint32) string {
	switch t {
	case 0x030000:
		return "primary image"
	case 0x010001:
		return "large thumbnail (VGA)"
	case 0x010002:
		return "large thumbnail (full HD)"
	case 0x010003:
		return "large thumbnail (4K)"
	case 0x010004:
		return "large thumbnail (8K)"
	case 0x010005:
		return "large thumbnail (16K)"
	case 0x020001:
		return "panorama frame"
	case 0x020002:
		return "disparity (3D) image"
	case 0x020003:
		return "multi-angle image"
	case 0x000000:
		return "undefined (often an HDR gain map or depth map)"
	}
	return fmt.Sprintf("type 0x%06X", t)
}
