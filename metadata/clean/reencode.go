package clean

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// reencodeQuality is the JPEG quality of re-encoded HEIF and damaged JPEG
// inputs: visually lossless at a sensible size.
const reencodeQuality = 95

// reencode decodes b, turns it upright and encodes a fresh file in format to
// (PNG or JPEG). The new file carries nothing but the pixels, the input's
// colour profile when it is a stock one, and in LocationOnly mode the
// camera and date fields (without Orientation: the pixels are upright now).
func reencode(b []byte, from, to photo.Format, opt metadata.Options) (*metadata.Result, error) {
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

	var icc, exifSrc []byte
	switch from {
	case photo.TIFF:
		exifSrc = b
		if t, err := ifd.Parse(b); err == nil {
			es, _, _ := t.IFD(t.First())
			for _, e := range es {
				if e.Tag == ifd.ICCProfile {
					icc = e.Value
				}
			}
		}
	case photo.HEIF:
		if hf, _ := bmff.ParseHEIF(b); hf != nil {
			icc, exifSrc = hf.PrimaryICC(), hf.ExifTIFF(b)
		}
	}
	var exif []byte
	if opt.Mode == metadata.LocationOnly && exifSrc != nil {
		exif, _, _ = locationSafeEXIF(exifSrc, false)
	}
	var rm removals
	rm.add(removedParts(b, from, exif != nil)...)
	if exif != nil {
		rm.add("EXIF fields other than camera and date")
	}
	if icc != nil {
		if ok, _ := standardICC(icc); !ok {
			rm.add(iccDropped)
			icc = nil
		}
	}

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
	data := buf.Bytes()
	switch to {
	case photo.PNG:
		data, err = pngWithMetadata(data, icc, exif)
	case photo.JPEG:
		data, err = jpegWithMetadata(data, icc, exif)
	}
	if err != nil {
		return nil, err
	}
	rm.add(fmt.Sprintf("all other metadata (re-encoded as %s)", strings.ToUpper(to.String())))
	return &metadata.Result{Data: data, Format: to, Lossless: lossless, Removed: rm.list()}, nil
}

// pngWithMetadata inserts an iCCP and an eXIf chunk after the IHDR of a PNG
// written by image/png.
func pngWithMetadata(p, icc, exif []byte) ([]byte, error) {
	if icc == nil && exif == nil {
		return p, nil
	}
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	if icc != nil {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(icc)
		if err := zw.Close(); err != nil {
			return nil, err
		}
		out = appendPNGChunk(out, "iCCP", append([]byte(pngICCName+"\x00\x00"), z.Bytes()...))
	}
	if exif != nil {
		out = appendPNGChunk(out, "eXIf", exif)
	}
	return append(out, p[afterIHDR:]...), nil
}

// jpegWithMetadata inserts an APP1 Exif and APP2 ICC_PROFILE segments after
// the SOI of a JPEG written by image/jpeg.
func jpegWithMetadata(j, icc, exif []byte) ([]byte, error) {
	if icc == nil && exif == nil {
		return j, nil
	}
	out := append([]byte{}, j[:2]...)
	if exif != nil {
		if len(exif)+8 > 0xFFFF {
			return nil, fmt.Errorf("EXIF too large to keep (%d bytes)", len(exif))
		}
		out = appendSeg(out, jpegseg.APP1, append([]byte("Exif\x00\x00"), exif...))
	}
	if icc != nil {
		const chunk = 0xFFFF - 2 - 14
		n := (len(icc) + chunk - 1) / chunk
		if n > 255 {
			return nil, fmt.Errorf("colour profile too large to keep")
		}
		for k := 0; k < n; k++ {
			part := icc[k*chunk : min(len(icc), (k+1)*chunk)]
			out = appendSeg(out, jpegseg.APP2, append(append(append([]byte{}, jpegseg.ICC...), byte(k+1), byte(n)), part...))
		}
	}
	return append(out, j[2:]...), nil
}

// reencodeDamaged cleans a JPEG whose structure cannot be walked (a damaged
// scan, a segment running past the end) by decoding what a viewer would show
// and encoding it afresh; when even that fails, the walker's error is the
// clearest message.
func reencodeDamaged(b []byte, walkErr error, opt metadata.Options) (*metadata.Result, error) {
	res, err := reencode(b, photo.JPEG, photo.JPEG, opt)
	if err != nil {
		return nil, walkErr
	}
	res.Removed = []string{fmt.Sprintf("all metadata (damaged JPEG re-encoded: %v)", walkErr)}
	return res, nil
}

// keptByLocationOnly are the TIFF tags whose camera and date fields a
// location-only re-encode carries over.
var keptByLocationOnly = map[string]bool{"IFD0 Make": true, "IFD0 Model": true, "IFD0 DateTime": true, "ExifIFD": true}

// removedParts names the metadata a re-encode leaves behind: the tags of a
// TIFF, the items of a HEIF other than its image. exifKept leaves out what a
// location-only re-encode carries over.
func removedParts(b []byte, from photo.Format, exifKept bool) []string {
	var out []string
	switch from {
	case photo.TIFF:
		names, _ := tiffTags(b)
		for _, n := range names {
			// A colour profile is judged on its own: kept when it is a stock one.
			if n != "ICC" && !(exifKept && keptByLocationOnly[n]) {
				out = append(out, "TIFF "+n)
			}
		}
	case photo.HEIF:
		if hf, _ := bmff.ParseHEIF(b); hf != nil {
			for _, it := range hf.Items {
				if p := itemPhrase(hf.ItemName(it)); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// itemPhrase describes a HEIF item that goes, by its name (see
// bmff.HEIF.ItemName), or returns "" for the image items whose pixels a
// re-encode keeps.
func itemPhrase(name string) string {
	switch {
	case name == "Exif item":
		return "EXIF block"
	case name == "mime item application/rdf+xml":
		return "XMP packet"
	case strings.HasPrefix(name, "primary item"), strings.HasPrefix(name, "tile item"), name == "grid":
		return ""
	case name == "thumbnail item":
		return "thumbnail image"
	case strings.HasPrefix(name, "auxiliary item"):
		urn := strings.ToLower(name)
		switch {
		case strings.Contains(urn, "gainmap"):
			return "auxiliary image (HDR gain map)"
		case strings.Contains(urn, "depth") || strings.Contains(urn, "disparity"):
			return "auxiliary image (depth map)"
		case strings.Contains(urn, "matte"):
			return "auxiliary image (portrait matte)"
		}
		return "auxiliary image"
	}
	return name
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
