package winclip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// DecodeDIB decodes a Windows device-independent bitmap as the clipboard
// holds it (CF_DIB or CF_DIBV5: a BITMAPINFOHEADER, V4 or V5 header, then
// masks or a colour table, then the rows), refusing more than maxPixels.
// It reads 24- and 32-bit pixels (BI_RGB or BI_BITFIELDS, also 16-bit
// bit fields) and 1-, 4- and 8-bit colour tables, rows bottom-up or top-down.
// Alpha counts only where the header says so (a V4/V5 header or an alpha
// mask) and some pixel uses it: many programs leave the fourth byte 0.
func DecodeDIB(b []byte, maxPixels int) (image.Image, error) {
	if len(b) < 40 {
		return nil, errors.New("bitmap header truncated")
	}
	le := binary.LittleEndian
	hdr := int(le.Uint32(b))
	if hdr < 40 || hdr > len(b) {
		return nil, fmt.Errorf("bitmap header of %d bytes", hdr)
	}
	w := int(int32(le.Uint32(b[4:])))
	h := int(int32(le.Uint32(b[8:])))
	bpp := int(le.Uint16(b[14:]))
	comp := le.Uint32(b[16:])
	used := int(le.Uint32(b[32:]))
	topDown := h < 0
	if topDown {
		h = -h
	}
	if w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16 {
		return nil, fmt.Errorf("bitmap of %dx%d pixels", w, h)
	}
	if maxPixels > 0 && w*h > maxPixels {
		return nil, ErrTooLarge
	}
	const biRGB, biBitfields, biAlphaBitfields = 0, 3, 6
	off := hdr
	var masks [4]uint32
	hasAlphaMask := false
	switch {
	case comp == biRGB && bpp == 32:
		masks = [4]uint32{0xff0000, 0xff00, 0xff, 0}
		if hdr >= 108 { // V4/V5 headers carry an alpha mask: use it if set
			masks[3] = le.Uint32(b[52:])
			hasAlphaMask = masks[3] != 0
		}
	case comp == biRGB && bpp == 24:
		masks = [4]uint32{0xff0000, 0xff00, 0xff, 0}
	case comp == biRGB && bpp == 16:
		masks = [4]uint32{0x7c00, 0x3e0, 0x1f, 0}
	case (comp == biBitfields || comp == biAlphaBitfields) && (bpp == 16 || bpp == 32):
		n := 3
		if comp == biAlphaBitfields {
			n = 4
		}
		if hdr >= 52 { // the masks are part of the header
			n = min(4, (hdr-40)/4)
			off = hdr
		} else {
			off = hdr + 4*n
		}
		if len(b) < 40+4*n {
			return nil, errors.New("bitmap masks truncated")
		}
		for i := 0; i < n; i++ {
			masks[i] = le.Uint32(b[40+4*i:])
		}
		hasAlphaMask = masks[3] != 0
	case comp == biRGB && (bpp == 1 || bpp == 4 || bpp == 8):
	default:
		return nil, fmt.Errorf("bitmap of %d bits per pixel with compression %d is not supported", bpp, comp)
	}
	var palette color.Palette
	if bpp <= 8 {
		n := used
		if n == 0 || n > 1<<bpp {
			n = 1 << bpp
		}
		if len(b) < off+4*n {
			return nil, errors.New("bitmap colour table truncated")
		}
		for i := 0; i < n; i++ {
			q := b[off+4*i:]
			palette = append(palette, color.NRGBA{q[2], q[1], q[0], 255})
		}
		off += 4 * n
	}
	stride := (w*bpp + 31) / 32 * 4
	if len(b) < off+stride*(h-1)+(w*bpp+7)/8 {
		return nil, errors.New("bitmap pixels truncated")
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	alphaUsed := false
	for y := 0; y < h; y++ {
		row := b[off+stride*y:]
		dy := h - 1 - y
		if topDown {
			dy = y
		}
		out := img.Pix[img.PixOffset(0, dy):]
		for x := 0; x < w; x++ {
			o := out[4*x : 4*x+4 : 4*x+4]
			if bpp <= 8 {
				i := int(row[x*bpp/8]>>(8-bpp-(x*bpp)%8)) & (1<<bpp - 1)
				c := color.NRGBA{0, 0, 0, 255}
				if i < len(palette) {
					c = palette[i].(color.NRGBA)
				}
				o[0], o[1], o[2], o[3] = c.R, c.G, c.B, 255
				continue
			}
			var v uint32
			switch bpp {
			case 32:
				v = le.Uint32(row[4*x:])
			case 24:
				v = uint32(row[3*x]) | uint32(row[3*x+1])<<8 | uint32(row[3*x+2])<<16
			case 16:
				v = uint32(le.Uint16(row[2*x:]))
			}
			o[0], o[1], o[2] = field(v, masks[0]), field(v, masks[1]), field(v, masks[2])
			o[3] = 255
			if hasAlphaMask {
				o[3] = field(v, masks[3])
				alphaUsed = alphaUsed || o[3] != 0
			}
		}
	}
	if hasAlphaMask && !alphaUsed {
		// Every alpha is 0: the program did not fill it in; the picture is opaque.
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
	}
	return img, nil
}

// field extracts the bits of mask from v, scaled to 8 bits.
func field(v, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	shift := bits.TrailingZeros32(mask)
	n := bits.OnesCount32(mask)
	x := (v & mask) >> shift
	if n >= 8 {
		return uint8(x >> (n - 8))
	}
	top := uint32(1)<<n - 1 // scale 0..top to 0..255, rounded
	return uint8((x*255 + top/2) / top)
}
