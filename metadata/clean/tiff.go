package clean

import (
	"fmt"

	"codeberg.org/veil/veil/internal/ifd"
)

// tagNames names the TIFF tags a re-encode of a TIFF file names in
// Result.Removed: text tags sit in IFD0 beside the structural ones and are
// named "<IFD> <name>"; pointer and blob tags by name alone (pointerNames).
var tagNames = map[uint16]string{
	ifd.DocumentName: "DocumentName", ifd.ImageDescription: "ImageDescription", ifd.Make: "Make", ifd.Model: "Model",
	ifd.PageName: "PageName", ifd.Software: "Software", ifd.DateTime: "DateTime", ifd.Artist: "Artist",
	ifd.HostComputer: "HostComputer", ifd.Copyright: "Copyright", ifd.ImageUniqueID: "ImageUniqueID",
	ifd.XPTitle: "XPTitle", ifd.XPComment: "XPComment", ifd.XPAuthor: "XPAuthor", ifd.XPKeywords: "XPKeywords", ifd.XPSubject: "XPSubject",
	ifd.UniqueCameraModel: "UniqueCameraModel", ifd.LocalizedCameraModel: "LocalizedCameraModel", ifd.CameraSerialNumber: "CameraSerialNumber",
	ifd.CameraOwnerName: "CameraOwnerName", ifd.BodySerialNumber: "BodySerialNumber", ifd.LensSerialNumber: "LensSerialNumber",
	ifd.DateTimeOriginal: "DateTimeOriginal", ifd.DateTimeDigitized: "DateTimeDigitized", ifd.MakerNote: "MakerNote", ifd.UserComment: "UserComment",
}

// pointerNames names the pointer and blob tags (no IFD prefix).
var pointerNames = map[uint16]string{
	ifd.ExifIFD: "ExifIFD", ifd.GPSIFD: "GPS IFD", ifd.InteropIFD: "Interop IFD", ifd.SubIFDs: "SubIFD",
	ifd.XMP: "XMP", ifd.IPTC: "IPTC", ifd.Photoshop: "Photoshop", ifd.ICCProfile: "ICC",
	ifd.GeoKeyDirectory: "GeoTIFF", ifd.GeoDoubleParams: "GeoTIFF", ifd.GeoASCIIParams: "GeoTIFF",
	ifd.ModelPixelScale: "GeoTIFF", ifd.ModelTiepoint: "GeoTIFF", ifd.ModelTransformation: "GeoTIFF",
	ifd.GDALMetadata: "GeoTIFF", ifd.GDALNoData: "GeoTIFF",
	ifd.DNGVersion: "DNGVersion", ifd.DNGPrivateData: "DNGPrivateData", ifd.ImageNumber: "ImageNumber",
}

// tiffTags names the tags of interest of every IFD in the TIFF file b
// (IFD0, IFD1, ... and SubIFDs), bounded in depth and count, in file order:
// "IFD0 Artist", "ExifIFD", "GPS IFD", "IFD1 tag 0x1234", ... Structural
// tags (see ifd.Structural) are left out.
func tiffTags(b []byte) ([]string, error) {
	t, err := ifd.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("not a TIFF (%w)", err)
	}
	w := &tagWalk{t: t, seen: map[uint32]bool{}}
	err = w.chain(t.First(), "IFD0", 0)
	return w.names, err
}

// tagWalk walks the IFDs of one TIFF file.
type tagWalk struct {
	t     *ifd.TIFF
	seen  map[uint32]bool
	names []string
}

// chain names the tags of the IFD at off and, at depth 0, of the IFDs that
// follow it (IFD1, IFD2, ...); SubIFDs are walked down to depth 3, without
// their own chains.
func (w *tagWalk) chain(off uint32, name string, depth int) error {
	for n := 0; off != 0; n++ {
		if w.seen[off] || len(w.seen) >= ifd.MaxIFDs {
			return fmt.Errorf("corrupt TIFF: IFD loop at offset %d", off)
		}
		w.seen[off] = true
		dir := name
		if depth == 0 {
			dir = fmt.Sprintf("IFD%d", n)
		}
		es, next, err := w.t.IFD(off)
		var subs []uint32
		for _, e := range es {
			if len(w.names) >= maxTagNames || ifd.Structural(e.Tag) {
				continue
			}
			w.names = append(w.names, tagName(dir, e.Tag))
			if e.Tag == ifd.SubIFDs {
				subs = append(subs, w.t.Pointers(e)...)
			}
		}
		if err != nil {
			return fmt.Errorf("corrupt TIFF: %w", err)
		}
		if depth < 3 {
			for _, s := range subs {
				if err := w.chain(s, "SubIFD", depth+1); err != nil {
					return err
				}
			}
		}
		if depth > 0 {
			return nil // a SubIFD's own chain is not followed
		}
		off = next
	}
	return nil
}

// maxTagNames bounds the names one file gives.
const maxTagNames = 1 << 18

// tagName names tag in the IFD dir.
func tagName(dir string, tag uint16) string {
	switch {
	case pointerNames[tag] != "":
		return pointerNames[tag]
	case tagNames[tag] != "":
		return dir + " " + tagNames[tag]
	}
	return fmt.Sprintf("%s tag 0x%04X", dir, tag)
}
