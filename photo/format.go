package photo

import (
	"bytes"
	"encoding/binary"
)

// Format is an image container format, identified by its magic bytes.
type Format int

// The formats Veil reads.
const (
	Unknown Format = iota
	JPEG
	PNG
	WebP
	GIF
	TIFF
	HEIF // HEIC, HEIF and AVIF: ISO base media files with an image brand
)

var formatNames = [...]string{"unknown", "jpeg", "png", "webp", "gif", "tiff", "heif"}

// String returns the format's short lower-case name ("jpeg", "png", ...).
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return "unknown"
	}
	return formatNames[f]
}

// Ext returns the usual file extension for the format, with the dot.
func (f Format) Ext() string {
	switch f {
	case JPEG:
		return ".jpg"
	case HEIF:
		return ".heic"
	case Unknown:
		return ""
	}
	return "." + f.String()
}

// heifBrands are the ftyp brands of still images in ISO base media files.
var heifBrands = []string{"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis", "mif2", "miaf"}

// Sniff identifies the format of b from its first bytes. It returns Unknown for
// anything Veil does not read, whatever the file is called.
func Sniff(b []byte) Format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		return TIFF
	case isHEIF(b):
		return HEIF
	}
	return Unknown
}

func isHEIF(b []byte) bool {
	if len(b) < 16 || string(b[4:8]) != "ftyp" {
		return false
	}
	size := int(binary.BigEndian.Uint32(b[0:4]))
	if size < 16 || size > len(b) {
		size = min(len(b), 64)
	}
	// major brand, then (after the minor version) the compatible brands
	brands := [][]byte{b[8:12]}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, b[i:i+4])
	}
	for _, br := range brands {
		for _, h := range heifBrands {
			if string(br) == h {
				return true
			}
		}
	}
	return false
}
