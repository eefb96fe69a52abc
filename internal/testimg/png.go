package testimg

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image/png"
	"testing"
)

// PNG encodes Gradient(w, h) with the standard library's encoder.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	must(t, png.Encode(&buf, Gradient(w, h)))
	return buf.Bytes()
}

// Chunk returns one PNG chunk with a correct CRC.
func Chunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// IHDR is the payload of an IHDR chunk.
func IHDR(w, h uint32, depth, colorType, interlace byte) []byte {
	d := binary.BigEndian.AppendUint32(nil, w)
	d = binary.BigEndian.AppendUint32(d, h)
	return append(d, depth, colorType, 0, 0, interlace)
}

// GrayPNG is a w×h 8-bit grey PNG (pixel i of the raw stream is i%251) made
// of IHDR, IDAT and IEND only.
func GrayPNG(w, h int) []byte {
	raw := make([]byte, h*(w+1))
	for i := range raw {
		raw[i] = byte(i % 251)
	}
	for y := 0; y < h; y++ {
		raw[y*(w+1)] = 0 // filter type None
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, Chunk("IHDR", IHDR(uint32(w), uint32(h), 8, 0, 0))...)
	out = append(out, Chunk("IDAT", Zlib(raw))...)
	return append(out, Chunk("IEND", nil)...)
}

// InsertPNG puts chunks right after IHDR (afterIHDR) or right before IEND.
func InsertPNG(p []byte, afterIHDR bool, chunks ...[]byte) []byte {
	at := len(p) - 12
	if afterIHDR {
		at = 8 + 25
	}
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

// ICCPChunk is an iCCP chunk holding the profile under the given name.
func ICCPChunk(name string, profile []byte) []byte {
	return Chunk("iCCP", append([]byte(name+"\x00\x00"), Zlib(profile)...))
}

// Zlib compresses b.
func Zlib(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}
