package clean

import (
	"fmt"

	"codeberg.org/veil/veil/internal/gifblock"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// cleanGIF rewrites a GIF keeping the header, the images, graphic control
// extensions and the looping extension (NETSCAPE2.0 or ANIMEXTS1.0), each
// rewritten canonically so no extra sub-block survives. GIF has no
// orientation tag.
func cleanGIF(b []byte) (*metadata.Result, error) {
	blocks, end, err := gifblock.Walk(b)
	if err != nil {
		return nil, err
	}
	var rm removals
	out := make([]byte, 0, len(b))
	images := 0
	for _, g := range blocks {
		switch g.Kind {
		case 0, 0x2C, 0x3B:
			out = append(out, b[g.Start:g.End]...)
			if g.Kind == 0x2C {
				images++
			}
		case 0x21:
			sub := gifblock.Join(g.Data)
			switch {
			case g.Label == 0xF9 && len(g.Data) >= 5 && g.Data[0] == 4:
				out = append(out, 0x21, 0xF9, 4)
				out = append(out, g.Data[1:5]...)
				out = append(out, 0)
			case g.Label == 0xFF && (g.AppID == "NETSCAPE2.0" || g.AppID == "ANIMEXTS1.0") && len(sub) >= 14 && sub[11] == 1:
				out = append(out, 0x21, 0xFF, 11)
				out = append(out, g.AppID...)
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
	return &metadata.Result{Data: out, Format: photo.GIF, Lossless: true, Removed: rm.list()}, nil
}

func gifPhrase(g gifblock.Block) string {
	switch name := gifblock.ExtName(g); name {
	case "application XMP DataXMP":
		return "XMP packet"
	case "comment", "plain text":
		return name
	default:
		return name + " extension"
	}
}
