package verify

import (
	"encoding/binary"

	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
)

func verifyWebP(b []byte, opt metadata.Options) error {
	if len(b) < 20 || int64(binary.LittleEndian.Uint32(b[4:])) != int64(len(b)-8) {
		return notClean("WebP RIFF size does not match the file (bytes after the end?)")
	}
	var flags byte
	var hasVP8X, hasEXIF, hasICC, hasImage bool
	var walk func(i, end int, inFrame bool) error
	walk = func(i, end int, inFrame bool) error {
		for first := true; i < end; first = false {
			if end-i < 8 {
				return notClean("WebP has stray bytes at offset %d", i)
			}
			n := int64(binary.LittleEndian.Uint32(b[i+4:]))
			if n > int64(end-i-8) {
				return notClean("WebP chunk at offset %d runs past the end", i)
			}
			cc := string(b[i : i+4])
			d := b[i+8 : i+8+int(n)]
			next := i + 8 + int(n)
			if n&1 == 1 {
				if next >= end || b[next] != 0 {
					return notClean("WebP chunk at offset %d has a bad pad byte", i)
				}
				next++
			}
			switch {
			case inFrame && (cc == "ALPH" || cc == "VP8 " || cc == "VP8L"):
				hasImage = true
			case inFrame:
				return notClean("WebP animation frame holds chunk %q", printable.String(cc))
			case cc == "VP8X" && first && n == 10:
				hasVP8X, flags = true, d[0]
				if d[1] != 0 || d[2] != 0 || d[3] != 0 || flags&0xC1 != 0 || flags&0x04 != 0 {
					return notClean("WebP VP8X header has metadata or reserved flags set")
				}
			case cc == "VP8 " || cc == "VP8L":
				hasImage = true
			case cc == "ALPH" || cc == "ANIM":
			case cc == "ANMF" && n >= 16:
				if err := walk(i+8+16, i+8+int(n), true); err != nil {
					return err
				}
			case cc == "ICCP" && !hasICC:
				hasICC = true
				if ok, desc := stockICC(d); !ok {
					return notClean("WebP keeps a colour profile that is not a stock one (%q)", desc)
				}
			case cc == "EXIF" && !hasEXIF:
				hasEXIF = true
				if err := verifyEXIF(d, opt); err != nil {
					return err
				}
			default:
				return notClean("WebP chunk %q at offset %d", printable.String(cc), i)
			}
			i = next
		}
		return nil
	}
	if err := walk(12, len(b), false); err != nil {
		return err
	}
	if !hasImage {
		return notClean("WebP has no image data")
	}
	if (hasEXIF || hasICC) && !hasVP8X {
		return notClean("WebP carries EXIF or ICC without a VP8X header")
	}
	if hasVP8X && ((flags&0x08 != 0) != hasEXIF || (flags&0x20 != 0) != hasICC) {
		return notClean("WebP VP8X flags do not match its chunks")
	}
	return nil
}
