package verify

import (
	"encoding/binary"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
)

// The verifier's own allow-lists of EXIF tags for LocationOnly mode. They are
// deliberately not the cleaner's tables: a cleaner bug that keeps too much
// must not be mirrored here.
var (
	verifyIFD0Tags = map[uint16]bool{
		ifd.Make: true, ifd.Model: true, ifd.Orientation: true, ifd.XResolution: true, ifd.YResolution: true,
		ifd.ResolutionUnit: true, ifd.DateTime: true, ifd.YCbCrPositioning: true,
	}
	verifyExifTags = map[uint16]bool{
		// exposure
		ifd.ExposureTime: true, ifd.FNumber: true, ifd.ExposureProgram: true, ifd.ISOSpeedRatings: true,
		ifd.SensitivityType: true, ifd.RecommendedExposureIndex: true, ifd.ShutterSpeedValue: true,
		ifd.ApertureValue: true, ifd.BrightnessValue: true, ifd.ExposureBiasValue: true, ifd.MaxApertureValue: true,
		ifd.SubjectDistance: true, ifd.MeteringMode: true, ifd.LightSource: true, ifd.Flash: true,
		ifd.FocalLength: true, ifd.CompressedBitsPerPixel: true,
		// date and time (not the time zone)
		ifd.DateTimeOriginal: true, ifd.DateTimeDigitized: true, ifd.SubSecTime: true, ifd.SubSecTimeOriginal: true,
		ifd.SubSecTimeDigitized: true,
		// format
		ifd.ExifVersion: true, ifd.ComponentsConfiguration: true, ifd.FlashpixVersion: true, ifd.ColorSpace: true,
		ifd.PixelXDimension: true, ifd.PixelYDimension: true, ifd.FocalPlaneXResolution: true,
		ifd.FocalPlaneYResolution: true, ifd.FocalPlaneResolutionUnit: true, ifd.SensingMethod: true,
		ifd.FileSource: true, ifd.SceneType: true,
		// scene and processing
		ifd.CustomRendered: true, ifd.ExposureMode: true, ifd.WhiteBalance: true, ifd.DigitalZoomRatio: true,
		ifd.FocalLengthIn35mmFilm: true, ifd.SceneCaptureType: true, ifd.GainControl: true, ifd.Contrast: true,
		ifd.Saturation: true, ifd.Sharpness: true, ifd.SubjectDistanceRange: true,
		// lens (not its serial number)
		ifd.LensSpecification: true, ifd.LensMake: true, ifd.LensModel: true,
	}
)

// verifyEXIF checks a kept EXIF (TIFF) structure. All mode: exactly the
// 26-byte structure holding IFD0 with one Orientation tag. LocationOnly:
// IFD0 and at most an Exif IFD, with allowed tags only, no further IFD, and
// every byte of the structure accounted for by a header, an IFD or a value.
func verifyEXIF(t []byte, opt metadata.Options) error {
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
	if opt.Mode != metadata.LocationOnly {
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
