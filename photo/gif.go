package photo

import (
	"bytes"
	"compress/lzw"
	"image"
	"image/color"
	"image/gif"
)

// decodeGIF decodes the first frame of a GIF. Go's decoder replaces the
// transparent palette entry with transparent black; the colour actually stored
// in the file is put back (with alpha 0), because the PDQ reference hashes
// stored colours with alpha dropped, not blended (ImageMagick keeps them).
func decodeGIF(b []byte) (image.Image, error) {
	img, err := gif.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	m, ok := img.(*image.Paletted)
	if !ok {
		return img, nil
	}
	table, transparent, ok := gifFirstTable(b)
	if !ok || transparent < 0 || transparent >= len(m.Palette) || 3*transparent+3 > len(table) {
		return m, nil
	}
	p := append(color.Palette(nil), m.Palette...)
	t := table[3*transparent:]
	p[transparent] = color.NRGBA{R: t[0], G: t[1], B: t[2], A: 0}
	m.Palette = p
	return m, nil
}

// gifFirstTable walks a GIF up to its first image descriptor and returns the
// colour table that image uses (its local table, else the global one) and the
// transparent index set by the graphic control extension before it (-1 if none).
func gifFirstTable(b []byte) (table []byte, transparent int, ok bool) {
	if len(b) < 13 {
		return nil, -1, false
	}
	i := 13
	if b[10]&0x80 != 0 {
		n := 3 << (b[10]&7 + 1)
		if i+n > len(b) {
			return nil, -1, false
		}
		table = b[i : i+n]
		i += n
	}
	transparent = -1
	for i < len(b) {
		switch b[i] {
		case 0x21: // extension: label, then data sub-blocks
			if i+2 > len(b) {
				return nil, -1, false
			}
			label := b[i+1]
			j := i + 2
			if label == 0xF9 && j+5 < len(b) && b[j] == 4 {
				transparent = -1
				if b[j+1]&1 != 0 {
					transparent = int(b[j+4])
				}
			}
			for j < len(b) && b[j] != 0 {
				j += int(b[j]) + 1
			}
			i = j + 1
		case 0x2C: // image descriptor
			if i+10 > len(b) {
				return nil, -1, false
			}
			flags := b[i+9]
			if flags&0x80 != 0 {
				n := 3 << (flags&7 + 1)
				if i+10+n > len(b) {
					return nil, -1, false
				}
				table = b[i+10 : i+10+n]
			}
			return table, transparent, table != nil
		default:
			return nil, -1, false
		}
	}
	return nil, -1, false
}

// gifAsReference returns the first frame of the GIF in b (first, as
// decodeGIF gives it) as PDQ's reference sees it. The reference (CImg 2.2)
// has ImageMagick write every frame of a .gif to its own PNG, reads them
// back and stacks them into one volume as large as the largest frame, each
// frame at the top left over zeros, with as many channels as the frame with
// most: so the first frame is padded with black up to the largest frame's
// width and height, and a grey first frame in a GIF with a colour frame keeps
// its grey only in red (green and blue are zero). A GIF whose first frame is
// the largest and not grey-among-colour (nearly all) is left as it is.
func gifAsReference(b []byte, first image.Image) image.Image {
	m, ok := first.(*image.Paletted)
	if !ok {
		return first
	}
	w0, h0 := m.Rect.Dx(), m.Rect.Dy()
	maxW, maxH, laterColour := gifLaterFrames(b, w0, h0)
	grey0 := palettedGrey(m)
	if maxW == w0 && maxH == h0 && !(grey0 && laterColour) {
		return first
	}
	if int64(maxW)*int64(maxH) > MaxPixels {
		return first
	}
	r := image.Rect(0, 0, maxW, maxH)
	if grey0 && !laterColour {
		g := image.NewGray(r)
		for y := 0; y < h0; y++ {
			for x := 0; x < w0; x++ {
				c := color.NRGBAModel.Convert(m.Palette[m.Pix[y*m.Stride+x]]).(color.NRGBA)
				g.Pix[y*g.Stride+x] = c.R
			}
		}
		return g
	}
	out := image.NewNRGBA(r)
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 0xff
	}
	for y := 0; y < h0; y++ {
		for x := 0; x < w0; x++ {
			c := color.NRGBAModel.Convert(m.Palette[m.Pix[y*m.Stride+x]]).(color.NRGBA)
			if grey0 {
				c.G, c.B = 0, 0
			}
			o := y*out.Stride + 4*x
			out.Pix[o], out.Pix[o+1], out.Pix[o+2] = c.R, c.G, c.B
		}
	}
	return out
}

// palettedGrey reports whether every pixel of m has R=G=B.
func palettedGrey(m *image.Paletted) bool {
	var used [256]bool
	for _, ix := range m.Pix {
		used[ix] = true
	}
	for i, u := range used {
		if u && i < len(m.Palette) {
			c := color.NRGBAModel.Convert(m.Palette[i]).(color.NRGBA)
			if c.R != c.G || c.G != c.B {
				return false
			}
		}
	}
	return true
}

// gifLaterFrames walks the frames of the GIF in b and returns the largest
// frame width and height (at least w0×h0, the first frame's) and whether a
// frame after the first has a pixel that is not grey. It reads only what it
// needs: a frame's pixels are decoded only when its colour table has colours
// that are not grey, and only until one of those is found. A damaged frame
// ends the walk with what was found so far.
func gifLaterFrames(b []byte, w0, h0 int) (maxW, maxH int, colour bool) {
	maxW, maxH = w0, h0
	if len(b) < 13 {
		return
	}
	budget := MaxPixels
	i := 13
	var global []byte
	if b[10]&0x80 != 0 {
		n := 3 << (b[10]&7 + 1)
		if i+n > len(b) {
			return
		}
		global = b[i : i+n]
		i += n
	}
	// skipBlocks returns the index after the data sub-blocks starting at j.
	skipBlocks := func(j int) int {
		for j < len(b) && b[j] != 0 {
			j += int(b[j]) + 1
		}
		return j + 1
	}
	for frame := 0; i < len(b); frame++ {
		switch b[i] {
		case 0x21: // extension
			if i+2 > len(b) {
				return
			}
			i = skipBlocks(i + 2)
			frame--
			continue
		case 0x2C: // image descriptor
		default: // trailer or damage
			return
		}
		if i+11 > len(b) {
			return
		}
		w := int(b[i+5]) | int(b[i+6])<<8
		h := int(b[i+7]) | int(b[i+8])<<8
		flags := b[i+9]
		i += 10
		table := global
		if flags&0x80 != 0 {
			n := 3 << (flags&7 + 1)
			if i+n > len(b) {
				return
			}
			table = b[i : i+n]
			i += n
		}
		if i >= len(b) {
			return
		}
		litWidth := int(b[i])
		start := i + 1
		i = skipBlocks(start)
		if i > len(b) {
			return
		}
		maxW, maxH = max(maxW, w), max(maxH, h)
		if frame == 0 || colour || !tableHasColour(table) {
			continue
		}
		// A hostile file could expand its LZW data a thousandfold in every
		// frame: all frames together decode at most MaxPixels indices.
		n := min(w*h, budget)
		budget -= n
		colour = gifFrameHasColour(b[start:i], litWidth, n, table)
	}
	return
}

// tableHasColour reports whether a GIF colour table has an entry that is
// not grey.
func tableHasColour(table []byte) bool {
	for k := 0; k+2 < len(table); k += 3 {
		if table[k] != table[k+1] || table[k+1] != table[k+2] {
			return true
		}
	}
	return false
}

// gifFrameHasColour decodes up to n pixel indices from a frame's LZW data
// sub-blocks and reports whether one of them is a colour that is not grey.
func gifFrameHasColour(blocks []byte, litWidth, n int, table []byte) bool {
	if litWidth < 2 || litWidth > 8 || n <= 0 {
		return false
	}
	var data []byte
	for j := 0; j < len(blocks) && blocks[j] != 0; j += int(blocks[j]) + 1 {
		end := min(j+1+int(blocks[j]), len(blocks))
		data = append(data, blocks[j+1:end]...)
	}
	r := lzw.NewReader(bytes.NewReader(data), lzw.LSB, litWidth)
	defer r.Close()
	buf := make([]byte, 4096)
	for n > 0 {
		k, err := r.Read(buf[:min(len(buf), n)])
		for _, ix := range buf[:k] {
			if o := 3 * int(ix); o+2 < len(table) && (table[o] != table[o+1] || table[o+1] != table[o+2]) {
				return true
			}
		}
		n -= k
		if err != nil {
			return false
		}
	}
	return false
}
