package redact

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"codeberg.org/veil/veil/photo"
	"github.com/gen2brain/webp"
)

// Encoding qualities for the lossy formats: high enough that the rest of the
// photo keeps its quality, low enough to keep files a sensible size.
const (
	JPEGQuality = 92
	WebPQuality = 92
	// webpMethod is libwebp's effort (0 fastest .. 6): the WebP encoder runs
	// as translated WebAssembly, where the default effort (4) took 7.4 s and
	// about 750 MB for a 12 MP photo, and effort 0 1.8 s with files as small.
	webpMethod = 0
)

// ErrOutputFormat is returned for an output format Veil does not write.
var ErrOutputFormat = errors.New("redacted images are written as JPEG, PNG or WebP")

// OutputFormat returns the format for an output file name's extension
// (.jpg and the other JPEG endings, .png, .webp, in any case).
func OutputFormat(ext string) (photo.Format, error) {
	switch f := photo.FormatForName(ext); f {
	case photo.JPEG, photo.PNG, photo.WebP:
		return f, nil
	}
	if ext == "" {
		return photo.Unknown, fmt.Errorf("%w: the output name has no extension", ErrOutputFormat)
	}
	return photo.Unknown, fmt.Errorf("%w, not %q", ErrOutputFormat, ext)
}

// OutputFor is the format of a redacted copy of a photo in format f: the
// same where Redact writes it (JPEG, PNG, WebP), otherwise PNG for GIF and
// TIFF (lossless, as they were) and JPEG for HEIC (photos, and readable
// everywhere).
func OutputFor(f photo.Format) photo.Format {
	switch f {
	case photo.JPEG, photo.PNG, photo.WebP:
		return f
	case photo.GIF, photo.TIFF:
		return photo.PNG
	}
	return photo.JPEG
}

// Encode encodes img afresh as f (JPEG, PNG or WebP) with no metadata at all:
// no EXIF, XMP, ICC profile, comments, thumbnails or orientation tag, so the
// pixels are shown exactly as they are stored. JPEG has no alpha channel:
// transparent pixels come out black.
func Encode(img image.Image, f photo.Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case photo.JPEG:
		err = jpeg.Encode(&buf, jpegSource(img), &jpeg.Options{Quality: JPEGQuality})
	case photo.PNG:
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		err = enc.Encode(&buf, img)
	case photo.WebP:
		// Exact stays false: libwebp may then discard the colour of fully
		// transparent pixels, which could otherwise hide image content.
		err = webp.Encode(&buf, img, webp.Options{Quality: WebPQuality, Method: webpMethod})
	default:
		return nil, fmt.Errorf("%w, not %s", ErrOutputFormat, f)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", f, err)
	}
	return buf.Bytes(), nil
}

// jpegSource hands image/jpeg a type it encodes quickly: an opaque NRGBA has
// the same bytes as an RGBA, so it is reinterpreted without copying.
func jpegSource(img image.Image) image.Image {
	n, ok := img.(*image.NRGBA)
	if !ok || !n.Opaque() {
		return img
	}
	return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
}

// errStructure reports a block in Veil's own fresh output that its encoders
// never write.
var errStructure = errors.New("unexpected block in encoded output")

// checkStructure walks a freshly encoded file and fails unless it holds only
// the blocks Veil's encoders write: for JPEG, tables, frame and scan segments
// (no APPn, no COM) and nothing after the end of the image; for PNG, IHDR,
// IDAT and IEND; for WebP, the image chunks (VP8, VP8L, VP8X, ALPH) and no
// EXIF, XMP or ICC chunk. It is a second, independent guard beside the
// metadata verifier.
func checkStructure(b []byte, f photo.Format) error {
	switch f {
	case photo.JPEG:
		return jpegStructure(b)
	case photo.PNG:
		return pngStructure(b)
	case photo.WebP:
		return webpStructure(b)
	}
	return ErrOutputFormat
}

func jpegStructure(b []byte) error {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return fmt.Errorf("%w: no JPEG start", errStructure)
	}
	i := 2
	for {
		if i+4 > len(b) || b[i] != 0xFF {
			return fmt.Errorf("%w: bad JPEG segment at %d", errStructure, i)
		}
		m := b[i+1]
		switch {
		case m == 0xDB || m == 0xC4 || m == 0xC0 || m == 0xC2 || m == 0xDD:
		case m == 0xDA:
			// Entropy-coded data follows the scan header; find EOI, skipping
			// stuffed bytes and restart markers, and require it to be last.
			n := int(binary.BigEndian.Uint16(b[i+2:]))
			j := i + 2 + n
			for j+1 < len(b) {
				if b[j] == 0xFF && b[j+1] != 0 && (b[j+1] < 0xD0 || b[j+1] > 0xD7) {
					break
				}
				j++
			}
			if j+2 != len(b) || b[j+1] != 0xD9 {
				return fmt.Errorf("%w: data after the JPEG scan", errStructure)
			}
			return nil
		default:
			return fmt.Errorf("%w: JPEG marker %02X", errStructure, m)
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 {
			return fmt.Errorf("%w: bad JPEG segment length", errStructure)
		}
		i += 2 + n
	}
}

func pngStructure(b []byte) error {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(b) < len(sig) || string(b[:len(sig)]) != sig {
		return fmt.Errorf("%w: no PNG signature", errStructure)
	}
	i := len(sig)
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		name := string(b[i+4 : i+8])
		if n < 0 || i+12+n > len(b) {
			return fmt.Errorf("%w: PNG chunk %q overruns the file", errStructure, name)
		}
		switch name {
		case "IHDR", "IDAT", "PLTE", "tRNS":
		case "IEND":
			if i+12+n != len(b) {
				return fmt.Errorf("%w: data after PNG IEND", errStructure)
			}
			return nil
		default:
			return fmt.Errorf("%w: PNG chunk %q", errStructure, name)
		}
		i += 12 + n
	}
	return fmt.Errorf("%w: PNG without IEND", errStructure)
}

func webpStructure(b []byte) error {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return fmt.Errorf("%w: no WebP header", errStructure)
	}
	if int(binary.LittleEndian.Uint32(b[4:]))+8 != len(b) {
		return fmt.Errorf("%w: WebP size does not match the file", errStructure)
	}
	i := 12
	for i < len(b) {
		if i+8 > len(b) {
			return fmt.Errorf("%w: truncated WebP chunk", errStructure)
		}
		name := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || i+8+n > len(b) {
			return fmt.Errorf("%w: WebP chunk %q overruns the file", errStructure, name)
		}
		switch name {
		case "VP8 ", "VP8L", "ALPH":
		case "VP8X":
			// Flags: ICC (0x20), EXIF (0x08), XMP (0x04), animation (0x02) must be clear.
			if n < 1 || b[i+8]&0x2E != 0 {
				return fmt.Errorf("%w: WebP VP8X announces metadata or animation", errStructure)
			}
		default:
			return fmt.Errorf("%w: WebP chunk %q", errStructure, name)
		}
		i += 8 + n + n&1
	}
	return nil
}
