package metadata

import (
	"fmt"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
)

// tiffTagNames names the TIFF tags that Blocks reports as blocks of their own
// in a TIFF file: text tags sit in IFD0 beside the structural ones and are
// reported as "<IFD> <name>"; pointer and blob tags by name alone.
var tiffTagNames = map[uint16]string{
	ifd.DocumentName: "DocumentName", ifd.ImageDescription: "ImageDescription", ifd.Make: "Make", ifd.Model: "Model",
	ifd.PageName: "PageName", ifd.Software: "Software", ifd.DateTime: "DateTime", ifd.Artist: "Artist",
	ifd.HostComputer: "HostComputer", ifd.Copyright: "Copyright", ifd.ImageUniqueID: "ImageUniqueID",
	ifd.XPTitle: "XPTitle", ifd.XPComment: "XPComment", ifd.XPAuthor: "XPAuthor", ifd.XPKeywords: "XPKeywords", ifd.XPSubject: "XPSubject",
	ifd.UniqueCameraModel: "UniqueCameraModel", ifd.LocalizedCameraModel: "LocalizedCameraModel", ifd.CameraSerialNumber: "CameraSerialNumber",
	ifd.CameraOwnerName: "CameraOwnerName", ifd.BodySerialNumber: "BodySerialNumber", ifd.LensSerialNumber: "LensSerialNumber",
	ifd.DateTimeOriginal: "DateTimeOriginal", ifd.DateTimeDigitized: "DateTimeDigitized", ifd.MakerNote: "MakerNote", ifd.UserComment: "UserComment",
}

// tiffPointerNames names the pointer and blob tags (no IFD prefix).
var tiffPointerNames = map[uint16]string{
	ifd.ExifIFD: "ExifIFD", ifd.GPSIFD: "GPS IFD", ifd.InteropIFD: "Interop IFD", ifd.SubIFDs: "SubIFD",
	ifd.XMP: "XMP", ifd.IPTC: "IPTC", ifd.Photoshop: "Photoshop", ifd.ICCProfile: "ICC",
	ifd.GeoKeyDirectory: "GeoTIFF", ifd.GeoDoubleParams: "GeoTIFF", ifd.GeoASCIIParams: "GeoTIFF",
	ifd.ModelPixelScale: "GeoTIFF", ifd.ModelTiepoint: "GeoTIFF", ifd.ModelTransformation: "GeoTIFF",
	ifd.GDALMetadata: "GeoTIFF", ifd.GDALNoData: "GeoTIFF",
	ifd.DNGVersion: "DNGVersion", ifd.DNGPrivateData: "DNGPrivateData", ifd.ImageNumber: "ImageNumber",
}

// tiffBlocks reports the tags of interest of every IFD in the TIFF file b
// (IFD0, IFD1, ... and SubIFDs), bounded in depth and count. Structural tags
// (see ifd.Structural) are not reported; any tag neither structural nor
// named above is reported as "<IFD> tag 0xNNNN".
func tiffBlocks(b []byte) ([]Block, error) {
	t, err := ifd.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("not a TIFF (%w)", err)
	}
	var out []Block
	seen := map[uint32]bool{}
	var walk func(off uint32, name string, depth int) error
	walk = func(off uint32, name string, depth int) error {
		for n := 0; off != 0; n++ {
			if seen[off] || len(seen) >= ifd.MaxIFDs {
				return fmt.Errorf("corrupt TIFF: IFD loop at offset %d", off)
			}
			seen[off] = true
			dir := name
			if depth == 0 {
				dir = fmt.Sprintf("IFD%d", n)
			}
			es, next, err := t.IFD(off)
			var subs []uint32
			for _, e := range es {
				if len(out) >= jpegseg.MaxSegments || ifd.Structural(e.Tag) {
					continue
				}
				blk := Block{Kind: "tag", Offset: int(off), Data: e.Value}
				if len(e.Value) > 0 {
					blk.Offset = e.At
				}
				switch {
				case tiffPointerNames[e.Tag] != "":
					blk.Name = tiffPointerNames[e.Tag]
				case tiffTagNames[e.Tag] != "":
					blk.Name = dir + " " + tiffTagNames[e.Tag]
				default:
					blk.Name = fmt.Sprintf("%s tag 0x%04X", dir, e.Tag)
				}
				if e.Tag == ifd.SubIFDs {
					subs = append(subs, t.Pointers(e)...)
				}
				out = append(out, blk)
			}
			if err != nil {
				return fmt.Errorf("corrupt TIFF: %w", err)
			}
			if depth < 3 {
				for _, s := range subs {
					if err := walk(s, "SubIFD", depth+1); err != nil {
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
	err = walk(t.First(), "IFD0", 0)
	return out, err
}
