package inspect

import (
	"bytes"
	"strings"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

func (in *inspector) webpBlock(blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	switch blk.Name {
	case "VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF":
		return
	case "EXIF":
		in.tiff(bytes.TrimPrefix(p, []byte("Exif\x00\x00")), at("WebP EXIF"), depth)
	case "XMP ":
		in.xmp(p, at("WebP XMP"), depth)
	case "ICCP":
		in.iccProfile(p, at("WebP ICCP"))
	case "C2PA":
		in.c2pa(p, at("WebP C2PA"))
	default:
		if blk.Kind == trailerBlock {
			in.trailer(blk, photo.WebP, prefix, depth)
			return
		}
		if strings.HasPrefix(blk.Name, "ANMF/") {
			return
		}
		in.add(metadata.Other, metadata.Medium, at("WebP "+blk.Name), "Unknown chunk "+strings.TrimSpace(blk.Name), sizeText(len(p)))
	}
}
