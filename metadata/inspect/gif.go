package inspect

import (
	"bytes"
	"strings"

	"codeberg.org/veil/veil/internal/gifblock"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

func (in *inspector) gifBlock(blk block, prefix string, depth int) {
	at := func(w string) string { return within(prefix, w) }
	switch {
	case blk.Kind == headerBlock || blk.Kind == imageBlock || blk.Name == "graphic control" ||
		blk.Name == "application NETSCAPE2.0" || blk.Name == "application ANIMEXTS1.0":
		return
	case blk.Kind == trailerBlock:
		in.trailer(blk, photo.GIF, prefix, depth)
	case blk.Name == "comment":
		in.add(metadata.Other, metadata.Medium, at("GIF comment"), "Comment", trimText(gifblock.Join(blk.Data)))
	case blk.Name == "plain text":
		t := gifblock.Join(blk.Data)
		in.add(metadata.Other, metadata.Medium, at("GIF plain text"), "Plain text", trimText(t[min(len(t), 12):]))
	case strings.HasPrefix(blk.Name, "application XMP Data"):
		// XMP is stored raw, not as sub-blocks, followed by a 258-byte "magic trailer".
		raw := blk.Data[min(len(blk.Data), 12):]
		if e := bytes.LastIndex(raw, []byte("<?xpacket end")); e >= 0 {
			if k := bytes.Index(raw[e:], []byte("?>")); k >= 0 {
				raw = raw[:e+k+2]
			}
		} else if e := bytes.LastIndex(raw, []byte("</x:xmpmeta>")); e >= 0 {
			raw = raw[:e+len("</x:xmpmeta>")]
		}
		in.xmp(raw, at("GIF XMP"), depth)
	case strings.HasPrefix(blk.Name, "application ICCRGBG1"):
		j := gifblock.Join(blk.Data)
		in.iccProfile(j[min(len(j), 11):], at("GIF ICC profile"))
	case strings.HasPrefix(blk.Name, "application MGK8BIM"):
		j := gifblock.Join(blk.Data)
		in.irb(j[min(len(j), 11):], at("GIF Photoshop"), depth)
	case strings.HasPrefix(blk.Name, "application MGKIPTC"):
		j := gifblock.Join(blk.Data)
		in.iptc(j[min(len(j), 11):], at("GIF IPTC"))
	default:
		j := gifblock.Join(blk.Data)
		desc := sizeText(len(j))
		if s := printableRuns(j, 4, 3); s != "" {
			desc += ": " + s
		}
		in.add(metadata.Other, metadata.Medium, at("GIF "+blk.Name), "Extension "+blk.Name, desc)
	}
}
