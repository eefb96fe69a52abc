// Package clean writes a copy of an image without the data that could
// identify a person, a place or a device: [File].
//
// It works on allow-lists: an output keeps only what is needed to show the
// image (and a stock colour profile where harmless); everything else, known
// or unknown, goes. Each format has a file of its name: jpeg.go, png.go,
// webp.go and gif.go rewrite containers without touching the coded image;
// heif.go and heif_build.go rebuild a HEIF or AVIF from its image items;
// reencode.go decodes and encodes afresh what cannot be rewritten (TIFF,
// unusual HEIF, damaged JPEG); exif.go writes the little EXIF an output may
// keep; check.go checks that copied image data is plausible. Every output
// passes the independent verifier ([codeberg.org/veil/veil/metadata/verify])
// before File returns it.
package clean

import (
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/photo"
)

// File returns a copy of the image in b without identifying metadata.
//
// JPEG, PNG, WebP and GIF are rewritten at container level, keeping only
// what is needed to show the image, so their pixels decode identically; a
// photo that displays rotated keeps a minimal EXIF block holding only its
// Orientation (in [metadata.LocationOnly] mode, the camera and date fields
// too). A colour profile survives only when it is a stock one. HEIF and AVIF
// are rebuilt box by box from their image items and structural properties,
// the coded image data copied untouched (orientation stays an irot/imir
// property; in LocationOnly mode one Exif item keeps the camera and date
// fields). TIFF becomes a PNG (pixel-lossless for ordinary images). A HEIF
// the rebuild cannot carry, and a JPEG whose structure is damaged but whose
// pixels still decode, become a JPEG (quality 95, not lossless): decoded,
// turned upright and encoded afresh, carrying only a stock colour profile
// and, in LocationOnly mode, the camera and date fields.
// [metadata.Result].Removed names what went without repeating any removed
// value.
//
// File re-reads its own output with [verify.File] and fails closed: when the
// verifier has any doubt, File returns an error wrapping
// [metadata.ErrNotClean] and no data. It never modifies b.
func File(b []byte, opt metadata.Options) (res *metadata.Result, err error) {
	defer func() {
		// The walkers are bounds-checked; this is the last line of defence
		// for the third-party decoders on the re-encoding path.
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error while cleaning (%v)", r)
		}
	}()
	if opt.Mode != metadata.All && opt.Mode != metadata.LocationOnly {
		return nil, fmt.Errorf("unknown clean mode %d", opt.Mode)
	}
	f := photo.Sniff(b)
	if f != photo.JPEG && f != photo.HEIF {
		// Header sanity and size limits before anything is decoded. A JPEG
		// or HEIF is rewritten without decoding, so its walker checks it instead,
		// and bytes a strict decoder warns about (stray bytes between
		// segments) are simply dropped.
		if _, _, err := photo.Config(b); err != nil {
			return nil, err
		}
	}
	switch f {
	case photo.JPEG:
		res, err = cleanJPEG(b, opt)
	case photo.PNG:
		res, err = cleanPNG(b, opt)
	case photo.WebP:
		res, err = cleanWebP(b, opt)
	case photo.GIF:
		res, err = cleanGIF(b)
	case photo.TIFF:
		res, err = reencode(b, f, photo.PNG, opt)
	case photo.HEIF:
		res, err = cleanHEIF(b, opt)
	default:
		if len(b) == 0 {
			return nil, photo.ErrEmpty
		}
		return nil, photo.ErrUnsupported
	}
	if err != nil {
		return nil, err
	}
	if err := verify.File(res.Data, opt); err != nil {
		return nil, fmt.Errorf("cleaned output failed verification: %w", err)
	}
	return res, nil
}

// removals collects Result.Removed phrases, counting repeats.
type removals struct {
	order []string
	count map[string]int
}

func (r *removals) add(what ...string) {
	if r.count == nil {
		r.count = map[string]int{}
	}
	for _, w := range what {
		if r.count[w] == 0 {
			r.order = append(r.order, w)
		}
		r.count[w]++
	}
}

func (r *removals) list() []string {
	out := make([]string, 0, len(r.order))
	for _, w := range r.order {
		if n := r.count[w]; n > 1 {
			w = fmt.Sprintf("%s (%d)", w, n)
		}
		out = append(out, w)
	}
	return out
}

// trailerPhrase describes n bytes after the end of an image.
func trailerPhrase(n int) string {
	if n == 1 {
		return "1 byte after end of image"
	}
	return fmt.Sprintf("%d bytes after end of image", n)
}

// exifPhrases describes what an EXIF block held, for Result.Removed.
func exifPhrases(b []byte) []string {
	out := []string{"EXIF block"}
	t, err := ifd.Parse(b)
	if err != nil {
		return out
	}
	es, next, err := t.IFD(t.First())
	var exifPtr uint32
	for _, e := range es {
		switch e.Tag {
		case ifd.GPSIFD:
			out = append(out, "EXIF GPS position")
		case ifd.ExifIFD:
			if o := t.Pointers(e); len(o) == 1 {
				exifPtr = o[0]
			}
		}
	}
	if err == nil && next != 0 {
		out = append(out, "EXIF thumbnail (IFD1)")
	}
	if exifPtr != 0 {
		es, _, err := t.IFD(exifPtr)
		for _, e := range es {
			if e.Tag == ifd.MakerNote && err == nil {
				out = append(out, "EXIF MakerNote")
			}
		}
	}
	return out
}

// outputEXIF returns the TIFF structure a lossless output keeps, or nil for
// none: in All mode only the orientation o when it is not 1; in LocationOnly
// mode the camera and date fields of src (the input's EXIF, nil if none).
func outputEXIF(src []byte, o int, opt metadata.Options, rm *removals) []byte {
	if opt.Mode == metadata.LocationOnly && src != nil {
		t, removed, err := locationSafeEXIF(src, true)
		if err == nil {
			rm.add(removed...)
			if t != nil || o == 1 {
				return t
			}
			return orientationEXIF(o)
		}
		rm.add("EXIF block (unreadable)")
	} else if src != nil {
		rm.add(exifPhrases(src)...)
	}
	if o != 1 {
		return orientationEXIF(o)
	}
	return nil
}

var errNoImage = errors.New("no image data")
