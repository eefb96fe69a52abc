package clean

import (
	"encoding/binary"
	"fmt"

	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/internal/riff"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// VP8X flags.
const (
	vp8xAnim  = 0x02
	vp8xXMP   = 0x04
	vp8xEXIF  = 0x08
	vp8xAlpha = 0x10
	vp8xICC   = 0x20
)

// cleanWebP rewrites a WebP keeping VP8X (with its flags corrected), a
// standard ICCP, ANIM, ANMF (with only its image sub-chunks), ALPH, VP8 and
// VP8L, and the minimal EXIF outputEXIF allows; the RIFF size is rewritten.
func cleanWebP(b []byte, opt metadata.Options) (*metadata.Result, error) {
	chunks, end, err := riff.WebP(b)
	if err != nil {
		return nil, err
	}
	var rm removals
	var vp8x, icc, exifSrc []byte
	var exifSeen, hasImage bool
	var body [][]byte // image chunks in order, already serialised
	for _, c := range chunks {
		switch c.FourCC {
		case "VP8X":
			if vp8x != nil || len(c.Data) < 10 {
				rm.add("chunk VP8X")
				break
			}
			vp8x = append([]byte{}, c.Data[:10]...)
		case "VP8 ", "VP8L", "ALPH", "ANIM":
			hasImage = hasImage || c.FourCC == "VP8 " || c.FourCC == "VP8L"
			body = append(body, riffBytes(c.FourCC, c.Data))
		case "ANMF":
			sub, err := riff.Frame(b, c)
			if err != nil {
				return nil, err
			}
			frame := append([]byte{}, c.Data[:16]...)
			for _, s := range sub {
				switch s.FourCC {
				case "ALPH", "VP8 ", "VP8L":
					hasImage = hasImage || s.FourCC != "ALPH"
					frame = append(frame, riffBytes(s.FourCC, s.Data)...)
				default:
					rm.add("chunk " + printable.String(s.FourCC) + " in an animation frame")
				}
			}
			body = append(body, riffBytes("ANMF", frame))
		case "ICCP":
			if ok, _ := standardICC(c.Data); ok && icc == nil {
				icc = c.Data
			} else {
				rm.add(iccDropped)
			}
		case "EXIF":
			if !exifSeen {
				exifSeen, exifSrc = true, c.Data
				if len(exifSrc) >= 6 && string(exifSrc[:6]) == "Exif\x00\x00" {
					exifSrc = exifSrc[6:]
				}
			} else {
				rm.add("second EXIF block")
			}
		case "XMP ":
			rm.add("XMP packet")
		default:
			rm.add("chunk " + printable.String(c.FourCC))
		}
	}
	if !hasImage {
		return nil, fmt.Errorf("corrupt WebP: %w", errNoImage)
	}
	if end < len(b) {
		rm.add(trailerPhrase(len(b) - end))
	}
	exif := outputEXIF(exifSrc, photo.Orientation(b), opt, &rm)
	if vp8x == nil && (exif != nil || icc != nil) {
		// A simple-format file needs a VP8X header to carry EXIF or ICC.
		cfg, _, err := photo.Config(b)
		if err != nil {
			return nil, err
		}
		vp8x = make([]byte, 10)
		putLE24(vp8x[4:], cfg.Width-1)
		putLE24(vp8x[7:], cfg.Height-1)
		for _, c := range chunks {
			if c.FourCC == "VP8L" && len(c.Data) >= 5 && c.Data[4]&0x10 != 0 {
				vp8x[0] |= vp8xAlpha
			}
		}
	}
	out := make([]byte, 12, len(b)+64)
	copy(out, "RIFF\x00\x00\x00\x00WEBP")
	if vp8x != nil {
		vp8x[0] &= vp8xAnim | vp8xAlpha
		vp8x[1], vp8x[2], vp8x[3] = 0, 0, 0
		if icc != nil {
			vp8x[0] |= vp8xICC
		}
		if exif != nil {
			vp8x[0] |= vp8xEXIF
		}
		out = append(out, riffBytes("VP8X", vp8x)...)
	}
	if icc != nil {
		out = append(out, riffBytes("ICCP", icc)...)
	}
	for _, c := range body {
		out = append(out, c...)
	}
	if exif != nil {
		out = append(out, riffBytes("EXIF", exif)...)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return &metadata.Result{Data: out, Format: photo.WebP, Lossless: true, Removed: rm.list()}, nil
}

func riffBytes(fourcc string, data []byte) []byte {
	out := make([]byte, 0, 8+len(data)+1)
	out = append(out, fourcc...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)&1 == 1 {
		out = append(out, 0)
	}
	return out
}

func putLE24(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
