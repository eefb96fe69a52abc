package verify

import (
	"bytes"

	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/metadata"
)

func verifyJPEG(b []byte, opt metadata.Options) error {
	i := 2
	frames, scans, exifs := 0, 0, 0
	var icc [][]byte
	for {
		if i+2 > len(b) {
			return notClean("JPEG ends without end-of-image marker")
		}
		if b[i] != 0xFF {
			return notClean("JPEG has stray bytes at offset %d", i)
		}
		m := b[i+1]
		if m == 0xD9 {
			if i+2 != len(b) {
				return notClean("JPEG has %d bytes after the end of the image", len(b)-i-2)
			}
			break
		}
		if m == 0xFF || m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8) || i+4 > len(b) {
			return notClean("JPEG has an unexpected marker 0x%02X at offset %d", m, i)
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return notClean("JPEG segment at offset %d runs past the end", i)
		}
		p := b[i+4 : i+2+n]
		switch {
		case m == 0xE0:
			if i != 2 || len(p) != 14 || !bytes.HasPrefix(p, []byte("JFIF\x00")) || p[12] != 0 || p[13] != 0 {
				return notClean("JPEG APP0 segment at offset %d is not a bare JFIF header", i)
			}
		case m == 0xE1:
			exifs++
			if exifs > 1 || !bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
				return notClean("JPEG APP1 segment at offset %d is not the one minimal EXIF block", i)
			}
			if err := verifyEXIF(p[6:], opt); err != nil {
				return err
			}
		case m == 0xE2:
			if len(p) < 14 || !bytes.HasPrefix(p, []byte("ICC_PROFILE\x00")) {
				return notClean("JPEG APP2 segment at offset %d is not a colour profile", i)
			}
			icc = append(icc, p)
		case m == 0xEE:
			if len(p) != 12 || !bytes.HasPrefix(p, []byte("Adobe")) {
				return notClean("JPEG APP14 segment at offset %d is not a bare Adobe header", i)
			}
		case m == 0xDB || m == 0xC4 || m == 0xCC || m == 0xDD || m == 0xDC:
		case m >= 0xC0 && m <= 0xCF && m != 0xC8:
			frames++
		case m == 0xDA:
			scans++
			j := i + 2 + n
			for {
				k := bytes.IndexByte(b[j:], 0xFF)
				if k < 0 || j+k+1 >= len(b) {
					return notClean("JPEG scan at offset %d runs to the end of the file", i)
				}
				j += k
				c := b[j+1]
				if c == 0x00 || (c >= 0xD0 && c <= 0xD7) {
					j += 2
					continue
				}
				if c == 0xFF {
					j++
					continue
				}
				break
			}
			i = j
			continue
		default:
			return notClean("JPEG segment %s at offset %d", jpegseg.MarkerName(m), i)
		}
		i += 2 + n
	}
	if frames != 1 || scans == 0 {
		return notClean("JPEG has %d frames and %d scans", frames, scans)
	}
	if len(icc) > 0 {
		var prof []byte
		for k, p := range icc {
			if int(p[12]) != k+1 || int(p[13]) != len(icc) {
				return notClean("JPEG colour profile segments are out of order")
			}
			prof = append(prof, p[14:]...)
		}
		if ok, desc := stockICC(prof); !ok {
			return notClean("JPEG keeps a colour profile that is not a stock one (%q)", desc)
		}
	}
	return nil
}
