package clean

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"

	"codeberg.org/veil/veil/photo"
)

// The lossless paths copy image data without decoding it, so they check that
// it is plausible first: a file whose header or data cannot make a picture of
// the size it claims is bad input, never a "clean" copy.

// checkFrameSize refuses frame sizes a decoder would refuse.
func checkFrameSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("corrupt image: header gives %dx%d pixels", w, h)
	}
	if w > photo.MaxSide || h > photo.MaxSide || int64(w)*int64(h) > photo.MaxPixels {
		return fmt.Errorf("%w: header claims %dx%d pixels, the limit is %d megapixels", photo.ErrTooLarge, w, h, photo.MaxPixels/1_000_000)
	}
	return nil
}

// checkJPEGFrame checks the frame header of a JPEG (SOFn payload).
func checkJPEGFrame(sof []byte) error {
	if len(sof) < 6 {
		return fmt.Errorf("corrupt JPEG: short frame header")
	}
	h, w := int(binary.BigEndian.Uint16(sof[1:])), int(binary.BigEndian.Uint16(sof[3:]))
	// Height 0 means a DNL segment gives it later; the width is checked anyway.
	return checkFrameSize(w, max(h, 1))
}

// pngRawSize is the number of bytes the IDAT stream of an image with this
// IHDR inflates to (filter bytes included), or an error for an invalid IHDR.
func pngRawSize(ihdr []byte) (int64, error) {
	if len(ihdr) != 13 {
		return 0, fmt.Errorf("corrupt PNG: IHDR is %d bytes", len(ihdr))
	}
	w, h := int(binary.BigEndian.Uint32(ihdr)), int(binary.BigEndian.Uint32(ihdr[4:]))
	if err := checkFrameSize(w, h); err != nil {
		return 0, err
	}
	depth, ctype, interlace := int(ihdr[8]), ihdr[9], ihdr[12]
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	okDepth := map[byte][]int{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}[ctype]
	valid := false
	for _, d := range okDepth {
		valid = valid || d == depth
	}
	if channels == 0 || !valid || interlace > 1 {
		return 0, fmt.Errorf("corrupt PNG: colour type %d with bit depth %d", ctype, depth)
	}
	bits := int64(channels * depth)
	rows := func(w, h int64) int64 {
		if w == 0 || h == 0 {
			return 0
		}
		return h * (1 + (w*bits+7)/8)
	}
	W, H := int64(w), int64(h)
	if interlace == 0 {
		return rows(W, H), nil
	}
	// Adam7: seven passes with their own start and step in each direction.
	passes := [7][4]int64{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var n int64
	for _, p := range passes {
		pw := (W - p[0] + p[2] - 1) / p[2]
		ph := (H - p[1] + p[3] - 1) / p[3]
		if pw > 0 && ph > 0 {
			n += rows(pw, ph)
		}
	}
	return n, nil
}

// checkPNGData inflates the IDAT stream (without keeping it) and requires it
// to hold exactly as many bytes as the header's image needs: no image data,
// data cut short, or a stream that inflates far past the image (a
// decompression bomb) are refused.
func checkPNGData(ihdr []byte, idat [][]byte) error {
	want, err := pngRawSize(ihdr)
	if err != nil {
		return err
	}
	if len(idat) == 0 {
		return fmt.Errorf("corrupt PNG: no image data (IDAT)")
	}
	readers := make([]io.Reader, len(idat))
	for i, d := range idat {
		readers[i] = bytes.NewReader(d)
	}
	zr, err := zlib.NewReader(io.MultiReader(readers...))
	if err != nil {
		return fmt.Errorf("corrupt PNG image data: %v", err)
	}
	n, err := io.CopyN(io.Discard, zr, want+1)
	switch {
	case n > want:
		return fmt.Errorf("corrupt PNG: image data inflates past the %d bytes the header allows", want)
	case n < want:
		if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("corrupt PNG: image data ends early (%d of %d bytes)", n, want)
		}
		return fmt.Errorf("corrupt PNG image data: %v", err)
	}
	return nil
}
