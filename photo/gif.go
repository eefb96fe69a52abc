package photo

import (
	"bytes"
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
