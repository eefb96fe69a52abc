package testimg

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

// GIF encodes a two-frame looping w×h animation.
func GIF(t testing.TB, w, h int) []byte {
	t.Helper()
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White, color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 255}})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pal.SetColorIndex(x, y, uint8((x+2*y)%4))
		}
	}
	var buf bytes.Buffer
	must(t, gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}, LoopCount: 0}))
	return buf.Bytes()
}

// TinyGIF is a 1x1 GIF89a with the given blocks between its header and its
// one image.
func TinyGIF(blocks ...[]byte) []byte {
	out := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff")
	for _, b := range blocks {
		out = append(out, b...)
	}
	out = append(out, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00)
	return append(out, ';')
}

// SubBlocks splits data into GIF data sub-blocks, with the terminator.
func SubBlocks(data []byte) []byte {
	var out []byte
	for len(data) > 0 {
		n := min(len(data), 255)
		out = append(out, byte(n))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return append(out, 0)
}

// GIFExt builds an extension block with the given label, each part in
// sub-blocks of its own.
func GIFExt(label byte, parts ...[]byte) []byte {
	out := []byte{0x21, label}
	for _, p := range parts {
		s := SubBlocks(p)
		out = append(out, s[:len(s)-1]...)
	}
	return append(out, 0)
}

// InsertGIF puts blocks right after the header and global colour table.
func InsertGIF(g []byte, blocks ...[]byte) []byte {
	at := 13
	if g[10]&0x80 != 0 {
		at += 3 << (g[10]&7 + 1)
	}
	out := append([]byte{}, g[:at]...)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, g[at:]...)
}
