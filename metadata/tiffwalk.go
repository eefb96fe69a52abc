package metadata

import (
	"encoding/binary"
	"fmt"
)

// tiffTagNames names the TIFF tags that Blocks reports as blocks of their own
// in a TIFF file: text tags sit in IFD0 beside the structural ones and are
// reported as "<IFD> <name>"; pointer and blob tags by name alone.
var tiffTagNames = map[uint16]string{
	0x010D: "DocumentName", 0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model",
	0x011D: "PageName", 0x0131: "Software", 0x0132: "DateTime", 0x013B: "Artist",
	0x013C: "HostComputer", 0x8298: "Copyright", 0xA420: "ImageUniqueID",
	0x9C9B: "XPTitle", 0x9C9C: "XPComment", 0x9C9D: "XPAuthor", 0x9C9E: "XPKeywords", 0x9C9F: "XPSubject",
	0xC614: "UniqueCameraModel", 0xC615: "LocalizedCameraModel", 0xC62F: "CameraSerialNumber",
	0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber",
	0x9003: "DateTimeOriginal", 0x9004: "DateTimeDigitized", 0x927C: "MakerNote", 0x9286: "UserComment",
}

// tiffPointerNames names the pointer and blob tags (no IFD prefix).
var tiffPointerNames = map[uint16]string{
	tagExifIFD: "ExifIFD", tagGPSIFD: "GPS IFD", tagInteropIFD: "Interop IFD", tagSubIFDs: "SubIFD",
	tagXMP: "XMP", tagIPTC: "IPTC", tagPhotoshop: "Photoshop", tagICC: "ICC",
	0x87AF: "GeoTIFF", 0x87B0: "GeoTIFF", 0x87B1: "GeoTIFF", 0x830E: "GeoTIFF", 0x8482: "GeoTIFF", 0x85D8: "GeoTIFF",
	0xA480: "GeoTIFF", 0xA481: "GeoTIFF", // GDAL metadata and nodata
	0xC612: "DNGVersion", 0xC634: "DNGPrivateData", 0x9211: "ImageNumber",
}

// tiffStructural are the IFD tags needed to decode pixels; Blocks does not
// report them. Any tag neither here nor named above is reported as
// "<IFD> tag 0xNNNN".
var tiffStructural = map[uint16]bool{
	0x00FE: true, 0x00FF: true, 0x0100: true, 0x0101: true, 0x0102: true, 0x0103: true,
	0x0106: true, 0x0107: true, 0x0108: true, 0x0109: true, 0x010A: true, 0x0111: true,
	0x0112: true, 0x0115: true, 0x0116: true, 0x0117: true, 0x0118: true, 0x0119: true,
	0x011A: true, 0x011B: true, 0x011C: true, 0x0122: true, 0x0123: true, 0x0128: true,
	0x0129: true, 0x012D: true, 0x013D: true, 0x013E: true, 0x013F: true, 0x0140: true,
	0x0142: true, 0x0143: true, 0x0144: true, 0x0145: true, 0x0152: true, 0x0153: true,
	0x0154: true, 0x0155: true, 0x0156: true, 0x015B: true, 0x0211: true, 0x0212: true,
	0x0213: true, 0x0214: true,
}

// tiffBlocks reports the tags of interest of every IFD in the TIFF file b
// (IFD0, IFD1, ... and SubIFDs), bounded in depth and count.
func tiffBlocks(b []byte) ([]Block, error) {
	if tiffOrder(b) == nil {
		return nil, fmt.Errorf("not a TIFF (bad header)")
	}
	var out []Block
	seen := map[uint32]bool{}
	var walk func(off uint32, name string, depth int) error
	walk = func(off uint32, name string, depth int) error {
		for n := 0; off != 0; n++ {
			if seen[off] || len(seen) > 256 {
				return fmt.Errorf("corrupt TIFF: IFD loop at offset %d", off)
			}
			seen[off] = true
			ifd := name
			if depth == 0 {
				ifd = fmt.Sprintf("IFD%d", n)
			}
			var subs []uint32
			next, err := forEachIFDEntry(b, off, func(bo binary.ByteOrder, tag, typ uint16, count uint32, val []byte) {
				if len(out) >= maxBlocks || tiffStructural[tag] {
					return
				}
				blk := Block{Kind: "tag", Offset: int(off), Data: val}
				if voff := valueOffset(b, val); voff >= 0 {
					blk.Offset = voff
				}
				switch {
				case tiffPointerNames[tag] != "":
					blk.Name = tiffPointerNames[tag]
				case tiffTagNames[tag] != "":
					blk.Name = ifd + " " + tiffTagNames[tag]
				default:
					blk.Name = fmt.Sprintf("%s tag 0x%04X", ifd, tag)
				}
				if tag == tagSubIFDs {
					subs = append(subs, ifdOffsets(bo, typ, val)...)
				}
				out = append(out, blk)
			})
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
	err := walk(firstIFD(b), "IFD0", 0)
	return out, err
}

// valueOffset returns the offset of val inside b when val is a sub-slice of b
// stored out of line, or -1.
func valueOffset(b, val []byte) int {
	if len(val) == 0 || cap(val) == 0 {
		return -1
	}
	// val is always a sub-slice of b, so the capacities give its offset.
	return cap(b) - cap(val)
}
