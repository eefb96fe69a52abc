package metadata

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/photo"
)

// Verify re-reads b, the bytes of a cleaned image, with a strict allow-list
// walker of its own (it shares no keep-list with the cleaner) and returns an
// error wrapping ErrNotClean at the first thing that is not certainly clean
// for the mode in opt: any segment, chunk or block not needed to show the
// image, any byte after the end of the image, a colour profile that is not a
// stock one, EXIF holding more than the Orientation tag (All mode) or more
// than camera and date fields (LocationOnly), stray or unaccounted bytes, or
// a structure it cannot fully walk. Only JPEG, PNG, WebP, GIF and HEIF in
// the rebuilt shape (see verifyHEIF) pass: Clean writes nothing else.
func Verify(b []byte, opt Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = notClean("verifier could not walk the file (%v)", r)
		}
	}()
	return verify(b, opt)
}

// verify is Verify without its recover, so that fuzzing sees any panic.
func verify(b []byte, opt Options) error {
	switch photo.Sniff(b) {
	case photo.JPEG:
		return verifyJPEG(b, opt)
	case photo.PNG:
		return verifyPNG(b, opt)
	case photo.WebP:
		return verifyWebP(b, opt)
	case photo.GIF:
		return verifyGIF(b)
	case photo.HEIF:
		return verifyHEIF(b, opt)
	}
	return notClean("not a JPEG, PNG, WebP, GIF or HEIF file")
}

func notClean(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotClean}, args...)...)
}

func verifyJPEG(b []byte, opt Options) error {
	i := 2
	frames, scans, exifs := 0, 0, 0
	var icc [][]byte
	for {
		if i+2 > len(b) {
			return notClean("JPEG ends without end-of-image marker")
		}
		if b[i] != 0xFF {
			return notClean("JPEG has stray bytes at offset %d", i)
		}
		m := b[i+1]
		if m == 0xD9 {
			if i+2 != len(b) {
				return notClean("JPEG has %d bytes after the end of the image", len(b)-i-2)
			}
			break
		}
		if m == 0xFF || m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8) || i+4 > len(b) {
			return notClean("JPEG has an unexpected marker 0x%02X at offset %d", m, i)
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return notClean("JPEG segment at offset %d runs past the end", i)
		}
		p := b[i+4 : i+2+n]
		switch {
		case m == 0xE0:
			if i != 2 || len(p) != 14 || !bytes.HasPrefix(p, []byte("JFIF\x00")) || p[12] != 0 || p[13] != 0 {
				return notClean("JPEG APP0 segment at offset %d is not a bare JFIF header", i)
			}
		case m == 0xE1:
			exifs++
			if exifs > 1 || !bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
				return notClean("JPEG APP1 segment at offset %d is not the one minimal EXIF block", i)
			}
			if err := verifyEXIF(p[6:], opt); err != nil {
				return err
			}
		case m == 0xE2:
			if len(p) < 14 || !bytes.HasPrefix(p, []byte("ICC_PROFILE\x00")) {
				return notClean("JPEG APP2 segment at offset %d is not a colour profile", i)
			}
			icc = append(icc, p)
		case m == 0xEE:
			if len(p) != 12 || !bytes.HasPrefix(p, []byte("Adobe")) {
				return notClean("JPEG APP14 segment at offset %d is not a bare Adobe header", i)
			}
		case m == 0xDB || m == 0xC4 || m == 0xCC || m == 0xDD || m == 0xDC:
		case m >= 0xC0 && m <= 0xCF && m != 0xC8:
			frames++
		case m == 0xDA:
			scans++
			j := i + 2 + n
			for {
				k := bytes.IndexByte(b[j:], 0xFF)
				if k < 0 || j+k+1 >= len(b) {
					return notClean("JPEG scan at offset %d runs to the end of the file", i)
				}
				j += k
				c := b[j+1]
				if c == 0x00 || (c >= 0xD0 && c <= 0xD7) {
					j += 2
					continue
				}
				if c == 0xFF {
					j++
					continue
				}
				break
			}
			i = j
			continue
		default:
			return notClean("JPEG segment %s at offset %d", jpegseg.MarkerName(m), i)
		}
		i += 2 + n
	}
	if frames != 1 || scans == 0 {
		return notClean("JPEG has %d frames and %d scans", frames, scans)
	}
	if len(icc) > 0 {
		var prof []byte
		for k, p := range icc {
			if int(p[12]) != k+1 || int(p[13]) != len(icc) {
				return notClean("JPEG colour profile segments are out of order")
			}
			prof = append(prof, p[14:]...)
		}
		if ok, desc := StandardICC(prof); !ok {
			return notClean("JPEG keeps a colour profile that is not a stock one (%q)", desc)
		}
	}
	return nil
}

// Verify's own allow-lists of EXIF tags for LocationOnly mode. They are
// deliberately not the cleaner's tables: a cleaner bug that keeps too much
// must not be mirrored here.
var (
	verifyIFD0Tags = map[uint16]bool{
		ifd.Make: true, ifd.Model: true, ifd.Orientation: true, ifd.XResolution: true, ifd.YResolution: true, ifd.ResolutionUnit: true, ifd.DateTime: true, ifd.YCbCrPositioning: true,
	}
	verifyExifTags = map[uint16]bool{
		// exposure
		ifd.ExposureTime: true, ifd.FNumber: true, ifd.ExposureProgram: true, ifd.ISOSpeedRatings: true, ifd.SensitivityType: true, ifd.RecommendedExposureIndex: true,
		ifd.ShutterSpeedValue: true, ifd.ApertureValue: true, ifd.BrightnessValue: true, ifd.ExposureBiasValue: true, ifd.MaxApertureValue: true, ifd.SubjectDistance: true,
		ifd.MeteringMode: true, ifd.LightSource: true, ifd.Flash: true, ifd.FocalLength: true, ifd.CompressedBitsPerPixel: true,
		// date and time (not the time zone)
		ifd.DateTimeOriginal: true, ifd.DateTimeDigitized: true, ifd.SubSecTime: true, ifd.SubSecTimeOriginal: true, ifd.SubSecTimeDigitized: true,
		// format
		ifd.ExifVersion: true, ifd.ComponentsConfiguration: true, ifd.FlashpixVersion: true, ifd.ColorSpace: true, ifd.PixelXDimension: true, ifd.PixelYDimension: true,
		ifd.FocalPlaneXResolution: true, ifd.FocalPlaneYResolution: true, ifd.FocalPlaneResolutionUnit: true, ifd.SensingMethod: true, ifd.FileSource: true, ifd.SceneType: true,
		// scene and processing
		ifd.CustomRendered: true, ifd.ExposureMode: true, ifd.WhiteBalance: true, ifd.DigitalZoomRatio: true, ifd.FocalLengthIn35mmFilm: true, ifd.SceneCaptureType: true,
		ifd.GainControl: true, ifd.Contrast: true, ifd.Saturation: true, ifd.Sharpness: true, ifd.SubjectDistanceRange: true,
		// lens
		ifd.LensSpecification: true, ifd.LensMake: true, ifd.LensModel: true,
	}
)

// verifyEXIF checks a kept EXIF (TIFF) structure. All mode: exactly the
// 26-byte structure holding IFD0 with one Orientation tag. LocationOnly:
// IFD0 and at most an Exif IFD, with allowed tags only, no further IFD, and
// every byte of the structure accounted for by a header, an IFD or a value.
func verifyEXIF(t []byte, opt Options) error {
	var bo binary.ByteOrder
	switch {
	case len(t) >= 8 && string(t[:4]) == "MM\x00\x2a":
		bo = binary.BigEndian
	case len(t) >= 8 && string(t[:4]) == "II\x2a\x00":
		bo = binary.LittleEndian
	default:
		return notClean("EXIF block without a TIFF header")
	}
	if bo.Uint32(t[4:]) != 8 {
		return notClean("EXIF IFD0 not where expected")
	}
	if opt.Mode != LocationOnly {
		if len(t) != 26 || bo.Uint16(t[8:]) != 1 || bo.Uint16(t[10:]) != ifd.Orientation ||
			bo.Uint16(t[12:]) != ifd.Short || bo.Uint32(t[14:]) != 1 || bo.Uint32(t[22:]) != 0 {
			return notClean("EXIF block holds more than the orientation")
		}
		if o := bo.Uint16(t[18:]); o < 1 || o > 8 || bo.Uint16(t[20:]) != 0 {
			return notClean("EXIF orientation value is invalid")
		}
		return nil
	}
	used := make([]bool, len(t))
	mark := func(off, n int) error {
		if off < 0 || n < 0 || off+n > len(t) {
			return notClean("EXIF value outside the block")
		}
		for k := off; k < off+n; k++ {
			if used[k] {
				return notClean("EXIF structure overlaps itself")
			}
			used[k] = true
		}
		return nil
	}
	mark(0, 8)
	var dir func(off int, allowed map[uint16]bool, top bool) error
	dir = func(off int, allowed map[uint16]bool, top bool) error {
		if off+2 > len(t) {
			return notClean("EXIF IFD outside the block")
		}
		n := int(bo.Uint16(t[off:]))
		if err := mark(off, 2+12*n+4); err != nil {
			return err
		}
		if bo.Uint32(t[off+2+12*n:]) != 0 {
			return notClean("EXIF holds a second image directory (IFD1)")
		}
		for k := 0; k < n; k++ {
			e := t[off+2+12*k:]
			tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), int64(bo.Uint32(e[4:]))
			if top && tag == ifd.ExifIFD {
				if typ != ifd.Long && typ != ifd.IFDType || count != 1 {
					return notClean("EXIF has a malformed Exif IFD pointer")
				}
				if err := dir(int(bo.Uint32(e[8:])), verifyExifTags, false); err != nil {
					return err
				}
				continue
			}
			if !allowed[tag] {
				return notClean("EXIF keeps tag 0x%04X, which is not a camera or date field", tag)
			}
			var size int64
			switch typ {
			case ifd.Byte, ifd.ASCII, ifd.SByte, ifd.Undefined:
				size = 1
			case ifd.Short, ifd.SShort:
				size = 2
			case ifd.Long, ifd.SLong, ifd.Float:
				size = 4
			case ifd.Rational, ifd.SRational, ifd.Double:
				size = 8
			default:
				return notClean("EXIF tag 0x%04X has unknown type %d", tag, typ)
			}
			size *= count
			if size > 4 {
				if size > int64(len(t)) {
					return notClean("EXIF value outside the block")
				}
				v := int(bo.Uint32(e[8:]))
				if err := mark(v, int(size)); err != nil {
					return err
				}
				if size&1 == 1 && v+int(size) < len(t) && !used[v+int(size)] && t[v+int(size)] == 0 {
					used[v+int(size)] = true // pad byte
				}
			} else if !zeroBytes(e[8+size : 12]) {
				return notClean("EXIF entry 0x%04X has data in its unused bytes", tag)
			}
		}
		return nil
	}
	if err := dir(8, verifyIFD0Tags, true); err != nil {
		return err
	}
	for k, u := range used {
		if !u {
			return notClean("EXIF block holds %d bytes that belong to no field", len(t)-k)
		}
	}
	return nil
}

func zeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// verifyPNGChunks are the chunks a clean PNG may hold (iCCP and eXIf are
// checked further).
var verifyPNGChunks = map[string]bool{
	"PLTE": true, "IDAT": true, "tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "sBIT": true,
	"bKGD": true, "pHYs": true, "acTL": true, "fcTL": true, "fdAT": true, "cICP": true, "mDCv": true, "cLLi": true,
}

func verifyPNG(b []byte, opt Options) error {
	i := 8
	exifs := 0
	for k := 0; ; k++ {
		if i+12 > len(b) {
			return notClean("PNG ends without IEND")
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		if n > int64(len(b)-i-12) {
			return notClean("PNG chunk at offset %d runs past the end", i)
		}
		typ := string(b[i+4 : i+8])
		d := b[i+8 : i+8+int(n)]
		switch {
		case k == 0:
			if typ != "IHDR" || n != 13 {
				return notClean("PNG does not start with IHDR")
			}
		case typ == "IEND":
			if n != 0 || i+12 != len(b) {
				return notClean("PNG has %d bytes after IEND", len(b)-i-12)
			}
			return nil
		case typ == "eXIf":
			exifs++
			if exifs > 1 {
				return notClean("PNG has two eXIf chunks")
			}
			if err := verifyEXIF(d, opt); err != nil {
				return err
			}
		case typ == "iCCP":
			if !bytes.HasPrefix(d, []byte(pngICCName+"\x00\x00")) {
				return notClean("PNG iCCP chunk carries a profile name")
			}
			_, prof, err := pngchunk.ICCP(d, maxICC)
			if err != nil {
				return notClean("PNG colour profile unreadable: %v", err)
			}
			if ok, desc := StandardICC(prof); !ok {
				return notClean("PNG keeps a colour profile that is not a stock one (%q)", desc)
			}
		case !verifyPNGChunks[typ]:
			return notClean("PNG chunk %q at offset %d", printable.String(typ), i)
		}
		i += 12 + int(n)
	}
}

func verifyWebP(b []byte, opt Options) error {
	if len(b) < 20 || int64(binary.LittleEndian.Uint32(b[4:])) != int64(len(b)-8) {
		return notClean("WebP RIFF size does not match the file (bytes after the end?)")
	}
	var flags byte
	var hasVP8X, hasEXIF, hasICC, hasImage bool
	var walk func(i, end int, inFrame bool) error
	walk = func(i, end int, inFrame bool) error {
		for first := true; i < end; first = false {
			if end-i < 8 {
				return notClean("WebP has stray bytes at offset %d", i)
			}
			n := int64(binary.LittleEndian.Uint32(b[i+4:]))
			if n > int64(end-i-8) {
				return notClean("WebP chunk at offset %d runs past the end", i)
			}
			cc := string(b[i : i+4])
			d := b[i+8 : i+8+int(n)]
			next := i + 8 + int(n)
			if n&1 == 1 {
				if next >= end || b[next] != 0 {
					return notClean("WebP chunk at offset %d has a bad pad byte", i)
				}
				next++
			}
			switch {
			case inFrame && (cc == "ALPH" || cc == "VP8 " || cc == "VP8L"):
				hasImage = true
			case inFrame:
				return notClean("WebP animation frame holds chunk %q", printable.String(cc))
			case cc == "VP8X" && first && n == 10:
				hasVP8X, flags = true, d[0]
				if d[1] != 0 || d[2] != 0 || d[3] != 0 || flags&0xC1 != 0 || flags&0x04 != 0 {
					return notClean("WebP VP8X header has metadata or reserved flags set")
				}
			case cc == "VP8 " || cc == "VP8L":
				hasImage = true
			case cc == "ALPH" || cc == "ANIM":
			case cc == "ANMF" && n >= 16:
				if err := walk(i+8+16, i+8+int(n), true); err != nil {
					return err
				}
			case cc == "ICCP" && !hasICC:
				hasICC = true
				if ok, desc := StandardICC(d); !ok {
					return notClean("WebP keeps a colour profile that is not a stock one (%q)", desc)
				}
			case cc == "EXIF" && !hasEXIF:
				hasEXIF = true
				if err := verifyEXIF(d, opt); err != nil {
					return err
				}
			default:
				return notClean("WebP chunk %q at offset %d", printable.String(cc), i)
			}
			i = next
		}
		return nil
	}
	if err := walk(12, len(b), false); err != nil {
		return err
	}
	if !hasImage {
		return notClean("WebP has no image data")
	}
	if (hasEXIF || hasICC) && !hasVP8X {
		return notClean("WebP carries EXIF or ICC without a VP8X header")
	}
	if hasVP8X && ((flags&0x08 != 0) != hasEXIF || (flags&0x20 != 0) != hasICC) {
		return notClean("WebP VP8X flags do not match its chunks")
	}
	return nil
}

func verifyGIF(b []byte) error {
	if len(b) < 14 {
		return notClean("GIF too short")
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (b[10]&7 + 1)
	}
	subBlocks := func(i int) (int, error) {
		for i < len(b) {
			n := int(b[i])
			i += 1 + n
			if n == 0 {
				return i, nil
			}
		}
		return 0, notClean("GIF data runs past the end")
	}
	images := 0
	for {
		if i >= len(b) {
			return notClean("GIF ends without trailer")
		}
		switch b[i] {
		case 0x3B:
			if i+1 != len(b) {
				return notClean("GIF has %d bytes after the trailer", len(b)-i-1)
			}
			if images == 0 {
				return notClean("GIF has no image")
			}
			return nil
		case 0x2C:
			if i+11 > len(b) {
				return notClean("GIF image descriptor runs past the end")
			}
			j := i + 10
			if b[i+9]&0x80 != 0 {
				j += 3 << (b[i+9]&7 + 1)
			}
			end, err := subBlocks(j + 1)
			if err != nil {
				return err
			}
			images++
			i = end
		case 0x21:
			switch {
			case i+8 <= len(b) && b[i+1] == 0xF9 && b[i+2] == 4 && b[i+7] == 0:
				i += 8
			case i+19 <= len(b) && b[i+1] == 0xFF && b[i+2] == 11 &&
				(string(b[i+3:i+14]) == "NETSCAPE2.0" || string(b[i+3:i+14]) == "ANIMEXTS1.0") &&
				b[i+14] == 3 && b[i+15] == 1 && b[i+18] == 0:
				i += 19
			default:
				return notClean("GIF extension 0x%02X at offset %d", b[min(i+1, len(b)-1)], i)
			}
		default:
			return notClean("GIF has an unknown block at offset %d", i)
		}
	}
}
