package metadata

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"

	"codeberg.org/veil/veil/photo"
)

// reencodeQuality is the JPEG quality of re-encoded HEIF and damaged JPEG
// inputs: visually lossless at a sensible size.
const reencodeQuality = 95

// reencode decodes b, turns it upright and encodes a fresh file in format to
// (PNG or JPEG) that carries no metadata at all.
func reencode(b []byte, from, to photo.Format) (*Result, error) {
	img, _, err := photo.Decode(b)
	if err != nil {
		return nil, err
	}
	o := 1
	if from != photo.HEIF { // the HEIF decoder applies irot/imir itself
		o = photo.Orientation(b)
	}
	lossless := to == photo.PNG && pngExact(img) && (o == 1 || is8Bit(img))
	img = photo.Orient(img, o)
	var buf bytes.Buffer
	switch to {
	case photo.PNG:
		err = png.Encode(&buf, img)
	case photo.JPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: reencodeQuality})
	default:
		err = fmt.Errorf("cannot encode %s", to)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", to, err)
	}
	var rm removals
	_, blocks, _ := Blocks(b)
	for _, blk := range blocks {
		if p := reencodePhrase(from, blk); p != "" {
			rm.add(p)
		}
	}
	rm.add(fmt.Sprintf("all other metadata (re-encoded as %s)", strings.ToUpper(to.String())))
	return &Result{Data: buf.Bytes(), Format: to, Lossless: lossless, Removed: rm.list()}, nil
}

// reencodeDamaged cleans a JPEG whose structure cannot be walked (a damaged
// scan, a segment running past the end) by decoding what a viewer would show
// and encoding it afresh; when even that fails, the walker's error is the
// clearest message.
func reencodeDamaged(b []byte, walkErr error) (*Result, error) {
	res, err := reencode(b, photo.JPEG, photo.JPEG)
	if err != nil {
		return nil, walkErr
	}
	res.Removed = []string{fmt.Sprintf("all metadata (damaged JPEG re-encoded: %v)", walkErr)}
	return res, nil
}

// reencodePhrase describes a metadata block of a re-encoded TIFF or HEIF.
func reencodePhrase(f photo.Format, blk Block) string {
	switch {
	case blk.Kind == "tag":
		return "TIFF " + blk.Name
	case blk.Kind == "item":
		switch {
		case blk.Name == "Exif item":
			return "EXIF block"
		case blk.Name == "mime item application/rdf+xml":
			return "XMP packet"
		case strings.HasPrefix(blk.Name, "primary item"), strings.HasPrefix(blk.Name, "tile item"), blk.Name == "grid":
			return ""
		}
		return blk.Name
	}
	return ""
}

// pngExact reports whether PNG stores img's pixels exactly.
func pngExact(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16, *image.NRGBA, *image.NRGBA64, *image.Paletted:
		return true
	case *image.RGBA, *image.RGBA64:
		// PNG stores straight alpha: premultiplied translucent pixels round.
		return m.(interface{ Opaque() bool }).Opaque()
	}
	return false
}

func is8Bit(img image.Image) bool {
	switch img.(type) {
	case *image.Gray16, *image.NRGBA64, *image.RGBA64:
		return false
	}
	return true
}
