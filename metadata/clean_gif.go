package metadata

import (
	"fmt"

	"codeberg.org/veil/veil/photo"
)

// cleanGIF rewrites a GIF keeping the header, the images, graphic control
// extensions and the looping extension (NETSCAPE2.0 or ANIMEXTS1.0), each
// rewritten canonically so no extra sub-block survives. GIF has no
// orientation tag.
func cleanGIF(b []byte) (*Result, error) {
	blocks, end, err := walkGIF(b)
	if err != nil {
		return nil, err
	}
	var rm removals
	out := make([]byte, 0, len(b))
	images := 0
	for _, g := range blocks {
		switch g.kind {
		case 0, 0x2C, 0x3B:
			out = append(out, b[g.start:g.end]...)
			if g.kind == 0x2C {
				images++
			}
		case 0x21:
			sub := JoinSubBlocks(g.data)
			switch {
			case g.label == 0xF9 && len(g.data) >= 5 && g.data[0] == 4:
				out = append(out, 0x21, 0xF9, 4)
				out = append(out, g.data[1:5]...)
				out = append(out, 0)
			case g.label == 0xFF && (g.appID == "NETSCAPE2.0" || g.appID == "ANIMEXTS1.0") && len(sub) >= 14 && sub[11] == 1:
				out = append(out, 0x21, 0xFF, 11)
				out = append(out, g.appID...)
				out = append(out, 3, 1, sub[12], sub[13], 0)
			default:
				rm.add(gifPhrase(g))
			}
		}
	}
	if images == 0 {
		return nil, fmt.Errorf("corrupt GIF: %w", errNoImage)
	}
	if end < len(b) {
		rm.add(trailerPhrase(len(b) - end))
	}
	return &Result{Data: out, Format: photo.GIF, Lossless: true, Removed: rm.list()}, nil
}

func gifPhrase(g gifBlock) string {
	switch name := gifExtName(g); name {
	case "application XMP DataXMP":
		return "XMP packet"
	case "comment", "plain text":
		return name
	default:
		return name + " extension"
	}
}
