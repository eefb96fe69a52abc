package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

func (in *inspector) heifBlock(blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	name := blk.Name
	switch {
	case blk.Kind == boxBlock:
		switch name {
		case "udta", "uuid":
			if bytes.Contains(p[:min(len(p), 64)], []byte("jumb")) || bytes.Contains(p[:min(len(p), 64)], []byte("c2pa")) {
				in.c2pa(p, at("HEIF C2PA"))
				return
			}
			desc := sizeText(len(p))
			if s := printableRuns(p, 4, 3); s != "" {
				desc += ": " + s
			}
			in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Box "+name, desc)
		case "ispe":
			if len(p) >= 12 && prefix == "" {
				w, h := int(binary.BigEndian.Uint32(p[4:])), int(binary.BigEndian.Uint32(p[8:]))
				if int64(w)*int64(h) > int64(in.w)*int64(in.h) && w <= photo.MaxSide && h <= photo.MaxSide {
					in.w, in.h = w, h
				}
			}
		}
	case name == "Exif item":
		if p == nil {
			in.add(metadata.Other, metadata.Medium, at("HEIF Exif item"), "Unreadable EXIF", "item data not stored in the file")
			return
		}
		if len(p) >= 4 {
			off := int64(binary.BigEndian.Uint32(p))
			if 4+off <= int64(len(p)) {
				t := p[4+off:]
				if !bytes.HasPrefix(t, []byte("MM\x00*")) && !bytes.HasPrefix(t, []byte("II*\x00")) {
					if i := tiffStart(p); i >= 0 {
						t = p[i:]
					}
				}
				in.tiff(t, at("EXIF"), depth)
				return
			}
		}
		in.add(metadata.Other, metadata.Medium, at("HEIF Exif item"), "Unreadable EXIF", "bad header offset")
	case strings.HasPrefix(name, "mime item"):
		ct := strings.TrimSpace(strings.TrimPrefix(name, "mime item"))
		switch {
		case strings.Contains(ct, "rdf+xml") || bytes.Contains(p[:min(len(p), 256)], []byte("<x:xmpmeta")) || bytes.Contains(p[:min(len(p), 256)], []byte("<?xpacket")):
			in.xmp(p, at("XMP"), depth)
		case strings.Contains(ct, "c2pa"):
			in.c2pa(p, at("C2PA"))
		default:
			in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Metadata item", fmt.Sprintf("%s, %s", ct, sizeText(len(p))))
		}
	case strings.HasPrefix(name, "uri item"):
		in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Metadata item", sizeText(len(p)))
	case name == "thumbnail item":
		in.add(metadata.HiddenImages, metadata.High, at("HEIF thumbnail"), "Thumbnail", fmt.Sprintf("%s (may show the original, uncropped image)", sizeText(len(p))))
	case strings.HasPrefix(name, "auxiliary item"):
		urn := strings.TrimSpace(strings.TrimPrefix(name, "auxiliary item"))
		kind := "auxiliary image"
		lu := strings.ToLower(urn)
		switch {
		case strings.Contains(lu, "gainmap") || strings.Contains(lu, "gain"):
			kind = "HDR gain map"
		case strings.Contains(lu, "depth") || strings.Contains(lu, "disparity"):
			kind = "depth map"
		case strings.Contains(lu, "matte"):
			kind = "portrait matte"
		case strings.Contains(lu, "alpha"):
			return // transparency of the main image
		}
		in.add(metadata.HiddenImages, metadata.High, at("HEIF auxiliary image"), "Auxiliary image", fmt.Sprintf("%s (%s), %s", kind, urn, sizeText(len(p))))
	}
}

func tiffStart(b []byte) int {
	i := bytes.Index(b, []byte("MM\x00*"))
	if j := bytes.Index(b, []byte("II*\x00")); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	return i
}
