package clean

import (
	"encoding/binary"
	"fmt"
	"sort"

	"codeberg.org/veil/veil/internal/ifd"
)

// Location-only mode keeps these tags, and only these, from IFD0 and the
// Exif IFD: what says which camera took the photo, how, and when. Everything
// else goes, including free text (descriptions, comments), names, serial
// numbers, unique IDs, the MakerNote, the GPS and Interop IFDs and IFD1 (the
// thumbnail). Time-zone offsets (OffsetTime*) go too: a time zone narrows
// down where a photo was taken.
var (
	keepIFD0 = map[uint16]bool{
		ifd.Make: true, ifd.Model: true, ifd.Orientation: true, ifd.XResolution: true, ifd.YResolution: true,
		ifd.ResolutionUnit: true, ifd.DateTime: true, ifd.YCbCrPositioning: true,
	}
	keepExifIFD = map[uint16]bool{
		// exposure
		ifd.ExposureTime: true, ifd.FNumber: true, ifd.ExposureProgram: true, ifd.ISOSpeedRatings: true,
		ifd.SensitivityType: true, ifd.RecommendedExposureIndex: true, ifd.CompressedBitsPerPixel: true,
		ifd.ShutterSpeedValue: true, ifd.ApertureValue: true, ifd.BrightnessValue: true, ifd.ExposureBiasValue: true,
		ifd.MaxApertureValue: true, ifd.SubjectDistance: true, ifd.MeteringMode: true, ifd.LightSource: true,
		ifd.Flash: true, ifd.FocalLength: true,
		// date and time, without the time zone
		ifd.DateTimeOriginal: true, ifd.DateTimeDigitized: true,
		ifd.SubSecTime: true, ifd.SubSecTimeOriginal: true, ifd.SubSecTimeDigitized: true,
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

// maxKeptValue bounds one kept tag's value: camera and date fields are short.
const maxKeptValue = 256

// exifTag is one IFD entry to write.
type exifTag struct {
	tag, typ uint16
	count    uint32
	val      []byte // in the output's byte order
}

// orientationEXIF returns a TIFF structure holding only IFD0 with the
// Orientation tag set to o.
func orientationEXIF(o int) []byte {
	return writeTIFF(binary.BigEndian, []exifTag{{ifd.Orientation, ifd.Short, 1, []byte{0, byte(o)}}}, nil)
}

// writeTIFF lays out a TIFF structure: header, IFD0 and its out-of-line
// values, then the Exif IFD (when exif is not empty) and its values. Values
// are padded to even offsets; nothing else is written.
func writeTIFF(bo binary.ByteOrder, ifd0, exif []exifTag) []byte {
	if len(exif) > 0 {
		ifd0 = append(ifd0, exifTag{ifd.ExifIFD, ifd.Long, 1, make([]byte, 4)})
	}
	for _, l := range [][]exifTag{ifd0, exif} {
		sort.Slice(l, func(i, j int) bool { return l[i].tag < l[j].tag })
	}
	ab := bo.(binary.AppendByteOrder) // both byte orders implement it
	out := make([]byte, 0, 512)
	if bo == binary.LittleEndian {
		out = append(out, 'I', 'I', 42, 0)
	} else {
		out = append(out, 'M', 'M', 0, 42)
	}
	out = ab.AppendUint32(out, 8)
	ifdSize := func(l []exifTag) int {
		n := 2 + 12*len(l) + 4
		for _, e := range l {
			if len(e.val) > 4 {
				n += len(e.val) + len(e.val)&1
			}
		}
		return n
	}
	exifOff := 8 + ifdSize(ifd0)
	write := func(l []exifTag) {
		data := len(out) + 2 + 12*len(l) + 4
		var vals []byte
		out = ab.AppendUint16(out, uint16(len(l)))
		for _, e := range l {
			out = ab.AppendUint16(out, e.tag)
			out = ab.AppendUint16(out, e.typ)
			out = ab.AppendUint32(out, e.count)
			switch {
			case e.tag == ifd.ExifIFD:
				out = ab.AppendUint32(out, uint32(exifOff))
			case len(e.val) <= 4:
				var v [4]byte
				copy(v[:], e.val)
				out = append(out, v[:]...)
			default:
				out = ab.AppendUint32(out, uint32(data+len(vals)))
				vals = append(vals, e.val...)
				if len(e.val)&1 == 1 {
					vals = append(vals, 0)
				}
			}
		}
		out = ab.AppendUint32(out, 0)
		out = append(out, vals...)
	}
	write(ifd0)
	if len(exif) > 0 {
		write(exif)
	}
	return out
}

// locationSafeEXIF rewrites the TIFF structure t keeping only the camera and
// date tags of keepIFD0 and keepExifIFD (without Orientation unless
// orientation is true: re-encoded pixels are already upright). It returns
// the new structure (nil when nothing is kept) and short phrases for what
// went.
func locationSafeEXIF(b []byte, orientation bool) ([]byte, []string, error) {
	t, err := ifd.Parse(b)
	if err != nil {
		return nil, nil, err
	}
	es, next, err := t.IFD(t.First())
	if err != nil {
		return nil, nil, err
	}
	var removed []string
	var ifd0, exif []exifTag
	var exifPtr uint32
	for _, e := range es {
		switch {
		case e.Tag == ifd.ExifIFD:
			if o := t.Pointers(e); len(o) == 1 {
				exifPtr = o[0]
			}
		case e.Tag == ifd.GPSIFD:
			removed = append(removed, "EXIF GPS position")
		case e.Tag == ifd.Orientation && !orientation:
		case keepIFD0[e.Tag] && e.Value != nil && len(e.Value) <= maxKeptValue:
			ifd0 = append(ifd0, exifTag{e.Tag, e.Type, e.Count, e.Value})
		default:
			removed = append(removed, "EXIF "+exifTagName(e.Tag))
		}
	}
	if next != 0 {
		removed = append(removed, "EXIF thumbnail (IFD1)")
	}
	if exifPtr != 0 {
		if es, _, err := t.IFD(exifPtr); err != nil {
			removed = append(removed, "EXIF sub-IFD (unreadable)")
		} else {
			for _, e := range es {
				switch {
				case e.Tag == ifd.GPSIFD:
					removed = append(removed, "EXIF GPS position")
				case keepExifIFD[e.Tag] && e.Value != nil && len(e.Value) <= maxKeptValue:
					exif = append(exif, exifTag{e.Tag, e.Type, e.Count, e.Value})
				default:
					removed = append(removed, "EXIF "+exifTagName(e.Tag))
				}
			}
		}
	}
	if len(ifd0) == 0 && len(exif) == 0 {
		return nil, removed, nil
	}
	return writeTIFF(t.Order, ifd0, exif), removed, nil
}

// exifTagName names the tags the cleaner most often removes, for
// Result.Removed.
func exifTagName(tag uint16) string {
	switch tag {
	case ifd.MakerNote:
		return "MakerNote"
	case ifd.InteropIFD:
		return "Interop IFD"
	case ifd.OffsetTime, ifd.OffsetTimeOriginal, ifd.OffsetTimeDigitized:
		return "time zone"
	case ifd.BodySerialNumber, ifd.LensSerialNumber, ifd.CameraSerialNumber:
		return "serial number"
	case ifd.CameraOwnerName:
		return "camera owner name"
	case ifd.ImageUniqueID:
		return "image unique ID"
	case ifd.Artist, ifd.XPAuthor:
		return "author"
	case ifd.Copyright:
		return "copyright"
	case ifd.ImageDescription, ifd.UserComment, ifd.XPComment, ifd.XPTitle, ifd.XPSubject, ifd.XPKeywords:
		return "description or comment"
	case ifd.Software, ifd.HostComputer:
		return "software"
	}
	if n := tagNames[tag]; n != "" {
		return n
	}
	return fmt.Sprintf("tag 0x%04X", tag)
}
