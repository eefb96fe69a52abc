package inspect

import (
	"fmt"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
)

// valueText renders an entry's value for people.
func valueText(t *ifd.TIFF, e ifd.Entry) string {
	if e.Value == nil {
		return fmt.Sprintf("(value outside the data, %d × type %d)", e.Count, e.Type)
	}
	switch e.Type {
	case ifd.ASCII:
		return asciiText(e.Value)
	case ifd.Byte, ifd.Undefined:
		if looksText(e.Value) {
			return asciiText(e.Value)
		}
		if len(e.Value) > 8 {
			return sizeText(len(e.Value)) + " of binary data"
		}
	case ifd.Rational, ifd.SRational:
		var parts []string
		for i := 0; (i+1)*8 <= len(e.Value) && i < 16; i++ {
			n, d := t.Order.Uint32(e.Value[i*8:]), t.Order.Uint32(e.Value[i*8+4:])
			parts = append(parts, rationalText(int64(n), int64(d), e.Type == ifd.SRational))
		}
		return strings.Join(parts, ", ")
	case ifd.Float, ifd.Double:
		var parts []string
		for _, f := range t.Floats(e, 16) {
			parts = append(parts, strconv.FormatFloat(f, 'g', 6, 64))
		}
		return strings.Join(parts, ", ")
	}
	var parts []string
	for _, u := range t.Uints(e, 16) {
		if e.Type == ifd.SShort {
			parts = append(parts, strconv.Itoa(int(int16(u))))
		} else if e.Type == ifd.SLong {
			parts = append(parts, strconv.Itoa(int(int32(u))))
		} else {
			parts = append(parts, strconv.FormatUint(u, 10))
		}
	}
	s := strings.Join(parts, ", ")
	if e.Count > 16 {
		s += fmt.Sprintf(", … (%d values)", e.Count)
	}
	return s
}

func rationalText(n, d int64, signed bool) string {
	if signed {
		n, d = int64(int32(n)), int64(int32(d))
	}
	switch {
	case d == 0:
		return "undefined"
	case n%d == 0:
		return strconv.FormatInt(n/d, 10)
	case n == 1 || (n > 0 && d%n == 0 && d/n > 1):
		return fmt.Sprintf("1/%d", d/n)
	}
	return strconv.FormatFloat(float64(n)/float64(d), 'g', 6, 64)
}

// geoTIFFValue renders GeoTIFF tie points and scales as numbers.
func geoTIFFValue(t *ifd.TIFF, e ifd.Entry) string {
	fs := t.Floats(e, 16)
	var parts []string
	for _, f := range fs {
		parts = append(parts, strconv.FormatFloat(f, 'f', -1, 64))
	}
	s := strings.Join(parts, ", ")
	if e.Tag == ifd.ModelTiepoint && len(fs) >= 6 {
		s = fmt.Sprintf("raster (%g, %g) = model (%s, %s)", fs[0], fs[1], strconv.FormatFloat(fs[3], 'f', 6, 64), strconv.FormatFloat(fs[4], 'f', 6, 64))
	}
	return s
}

// exifDisplay renders well-known EXIF values the way cameras describe
// them (f/2.8, 1/250 s, 4.2 mm, "program AE"); other values pass through.
func exifDisplay(t *ifd.TIFF, e ifd.Entry, v string) string {
	if m, ok := exifEnums[e.Tag]; ok {
		if u := t.Uints(e, 1); len(u) == 1 {
			if name, ok := m[u[0]]; ok {
				return name
			}
		}
		return v
	}
	switch e.Tag {
	case ifd.ExposureTime:
		return v + " s"
	case ifd.FNumber:
		if f := t.Floats(e, 1); len(f) == 1 && f[0] > 0 && f[0] < 1000 {
			return "f/" + strconv.FormatFloat(f[0], 'f', -1, 64)
		}
	case ifd.FocalLength:
		if f := t.Floats(e, 1); len(f) == 1 {
			return strconv.FormatFloat(f[0], 'f', -1, 64) + " mm"
		}
	case ifd.FocalLengthIn35mmFilm:
		return v + " mm"
	case ifd.Flash:
		if u := t.Uints(e, 1); len(u) == 1 {
			if u[0]&1 == 1 {
				return "fired"
			}
			return "did not fire"
		}
	case ifd.ExifVersion, ifd.FlashpixVersion:
		return asciiText(e.Value)
	}
	return v
}
