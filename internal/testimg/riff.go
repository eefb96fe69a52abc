package testimg

import (
	"bytes"
	"encoding/binary"
)

// RIFF returns one RIFF chunk, with its pad byte.
func RIFF(fourcc string, data []byte) []byte {
	out := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	out = append(out, data...)
	if len(data)&1 == 1 {
		out = append(out, 0)
	}
	return out
}

// WebP wraps chunks in a RIFF WEBP header.
func WebP(chunks ...[]byte) []byte {
	body := append([]byte("WEBP"), bytes.Join(chunks, nil)...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// VP8X flags.
const (
	VP8XAnim  = 0x02
	VP8XXMP   = 0x04
	VP8XEXIF  = 0x08
	VP8XAlpha = 0x10
	VP8XICC   = 0x20
)

// VP8X returns a VP8X chunk payload with the given flags and canvas size.
func VP8X(flags byte, w, h int) []byte {
	p := []byte{flags, 0, 0, 0}
	p = append(p, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	return append(p, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
}

// VP8L3x2 is the VP8L bitstream of a 3x2 lossless WebP (red with one blue
// pixel), as cwebp writes it: the smallest real WebP image data.
var VP8L3x2 = []byte{0x2f, 0x02, 0x40, 0x00, 0x00, 0x0f, 0x10, 0xf3, 0xbf, 0xff, 0xf3, 0x1f, 0x0e, 0x5e, 0x70, 0x10, 0xd1, 0xff, 0x10}

// VP8L1x1 is the VP8L bitstream of a 1x1 lossless WebP.
var VP8L1x1 = []byte{0x2f, 0, 0, 0, 0, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0}

// VP8_3x2 is the VP8 (lossy) bitstream of a 3x2 WebP.
var VP8_3x2 = []byte{0xd0, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x03, 0x00, 0x02, 0x00, 0x01, 0x40, 0x26, 0x25, 0xa0, 0x02,
	0x74, 0xba, 0x01, 0xf8, 0x00, 0x03, 0xb0, 0x00, 0xfe, 0xf2, 0xeb, 0x7f, 0xfc, 0xd8, 0x15, 0xcd, 0x73, 0xef, 0xf7, 0xff,
	0xd2, 0xe0, 0xfd, 0x2e, 0x0f, 0xd2, 0xe0, 0xff, 0xd2, 0x90, 0x00, 0x00}
