package clean

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"codeberg.org/veil/veil/internal/jpegseg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// jpegPhrase describes a dropped JPEG segment for Result.Removed.
func jpegPhrase(s jpegseg.Segment) string {
	switch name := jpegseg.Name(s); name {
	case "APP1 XMP":
		return "XMP packet"
	case "APP1 XMP extended":
		return "extended XMP"
	case "APP13 Photoshop":
		return "IPTC/Photoshop block"
	case "COM":
		return "comment"
	case "APP2 MPF":
		return "MPF index of secondary images"
	case "APP11 JUMBF":
		return "C2PA/JUMBF manifest"
	case "APP0 JFXX":
		return "JFXX thumbnail"
	case "stray bytes":
		return "stray bytes between segments"
	case "APP0 JFIF", "APP14 Adobe":
		return "duplicate " + name + " segment"
	default:
		if s.Marker >= 0xE0 && s.Marker <= 0xEF {
			return "vendor segment " + jpegseg.MarkerName(s.Marker)
		}
		return "non-image segment " + name
	}
}

// cleanJPEG rewrites a JPEG keeping only SOI, DQT, DHT, DAC, SOFn, DRI, DNL,
// the scans, EOI, a canonical APP0 JFIF (without thumbnail), a canonical
// APP14 Adobe (CMYK and YCCK need its colour transform), a standard ICC
// profile, and the minimal EXIF outputEXIF allows. Segments keep their order.
func cleanJPEG(b []byte, opt metadata.Options) (*metadata.Result, error) {
	var rm removals
	b, skipped := dropUndecodable(b)
	if skipped > 0 {
		rm.add(fmt.Sprintf("%s of damaged image data that no viewer shows", byteCount(skipped)))
	}
	segs, end, err := jpegseg.Walk(b)
	if err != nil {
		// Truncated or damaged outside the scans: refused (or, if it still
		// decodes, re-encoded), never passed off as a clean copy.
		return reencodeDamaged(b, err, opt)
	}
	var jfif, adobe, exifSrc []byte
	var exifSeen bool
	var icc, body []jpegseg.Segment
	var sof, sos int
	for k, s := range segs {
		p := s.Payload
		switch m := s.Marker; {
		case m == jpegseg.SOI && k == 0, m == jpegseg.EOI:
		case m == jpegseg.DQT || m == jpegseg.DHT || m == jpegseg.DAC || m == jpegseg.DRI || m == jpegseg.DNL:
			body = append(body, s)
		case jpegseg.IsSOF(m):
			sof++
			body = append(body, s)
		case m == jpegseg.SOS:
			sos++
			body = append(body, s)
		case m == jpegseg.APP0 && jfif == nil && bytes.HasPrefix(p, jpegseg.JFIF) && len(p) >= 14:
			jfif = p
			if p[12] != 0 || p[13] != 0 {
				rm.add("JFIF thumbnail")
			}
		case m == jpegseg.APP1 && bytes.HasPrefix(p, jpegseg.Exif):
			if !exifSeen && len(p) >= 6 {
				exifSeen, exifSrc = true, p[6:]
			} else {
				rm.add("second EXIF block")
				if len(p) >= 6 {
					rm.add(exifPhrases(p[6:])[1:]...)
				}
			}
		case m == jpegseg.APP2 && bytes.HasPrefix(p, jpegseg.ICC):
			icc = append(icc, s)
		case m == 0xEE && adobe == nil && bytes.HasPrefix(p, jpegseg.Adobe) && len(p) >= 12:
			adobe = p[:12]
		default:
			rm.add(jpegPhrase(s))
		}
	}
	if sof != 1 || sos == 0 {
		return nil, fmt.Errorf("corrupt JPEG: %d frame headers and %d scans", sof, sos)
	}
	for _, s := range body {
		if jpegseg.IsSOF(s.Marker) {
			if len(s.Payload) < 6 || binary.BigEndian.Uint16(s.Payload[3:]) == 0 {
				return nil, fmt.Errorf("corrupt JPEG: frame header gives no image width")
			}
			if err := checkJPEGFrame(s.Payload); err != nil {
				return nil, err
			}
		}
	}
	if end < len(b) {
		switch n := len(jpegseg.MPFImages(b, segs)); n {
		case 0:
		case 1:
			rm.add("MPF secondary image")
		default:
			rm.add(fmt.Sprintf("%d MPF secondary images", n))
		}
		t := b[end:]
		switch {
		case bytes.Contains(t[:min(len(t), 64)], []byte("ftyp")):
			rm.add("embedded video (motion photo)")
		case bytes.HasSuffix(t, []byte("SEFT")):
			rm.add("Samsung SEFT trailer")
		}
		rm.add(trailerPhrase(len(t)))
	}

	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, jpegseg.SOI)
	if jfif != nil {
		// Version, density units and densities; no thumbnail.
		p := append(append([]byte{}, jfif[:12]...), 0, 0)
		out = appendSeg(out, jpegseg.APP0, p)
	}
	o := photo.Orientation(b)
	if t := outputEXIF(exifSrc, o, opt, &rm); t != nil {
		if len(t)+6+2 > 0xFFFF {
			return nil, fmt.Errorf("EXIF too large to keep (%d bytes)", len(t))
		}
		out = appendSeg(out, jpegseg.APP1, append([]byte("Exif\x00\x00"), t...))
	}
	if len(icc) > 0 {
		if keep, _ := jpegICC(icc); keep != nil {
			for _, s := range keep {
				out = append(out, b[s.Start:s.End]...)
			}
		} else {
			rm.add(iccDropped)
		}
	}
	if adobe != nil {
		out = appendSeg(out, 0xEE, adobe)
	}
	for _, s := range body {
		out = append(out, b[s.Start:s.End]...)
	}
	out = append(out, 0xFF, jpegseg.EOI)
	return &metadata.Result{Data: out, Format: photo.JPEG, Lossless: true, Removed: rm.list()}, nil
}

// iccDropped describes a dropped colour profile. Its description is not
// repeated: it may be the very name that had to go.
const iccDropped = "colour profile (not a standard one)"

func appendSeg(out []byte, marker byte, payload []byte) []byte {
	out = append(out, 0xFF, marker)
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	return append(out, payload...)
}

// jpegICC reassembles the profile split over APP2 ICC_PROFILE segments and
// returns the segments in sequence order when it is a standard profile (nil
// otherwise), with its description.
func jpegICC(segs []jpegseg.Segment) ([]jpegseg.Segment, string) {
	const hdr = 14 // "ICC_PROFILE\0", sequence number, count
	for _, s := range segs {
		if len(s.Payload) < hdr || int(s.Payload[13]) != len(segs) {
			return nil, ""
		}
	}
	sorted := append([]jpegseg.Segment{}, segs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Payload[12] < sorted[j].Payload[12] })
	var p []byte
	for k, s := range sorted {
		if int(s.Payload[12]) != k+1 {
			return nil, ""
		}
		p = append(p, s.Payload[hdr:]...)
	}
	ok, desc := standardICC(p)
	if !ok {
		return nil, desc
	}
	return sorted, desc
}

// byteCount renders a size for people: "812 bytes", "1.7 MB".
func byteCount(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// maxRepairs bounds how many damaged places dropUndecodable removes.
const maxRepairs = 4096

// dropUndecodable removes, inside entropy-coded data, each undefined marker
// (0xFF followed by 0x01..0xBF, which never occurs in a sound scan) together
// with the bytes after it up to the next real marker. Decoders stop decoding
// at such a marker and skip those bytes while resynchronising at the next
// restart marker, so nothing they show changes; what goes could only ever
// have been hidden data. It returns b itself (and 0) when there is nothing
// to drop or the damage is of another kind, which the walker then reports.
func dropUndecodable(b []byte) ([]byte, int) {
	var out []byte
	dropped, from, repairs := 0, 0, 0
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			break // stray bytes between segments: the walker's business
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == jpegseg.EOI || m < 0xC0 && m != jpegseg.TEM:
			return pieces(b, out, from), dropped
		case m == jpegseg.SOI || m == jpegseg.TEM || (m >= jpegseg.RST0 && m <= jpegseg.RST7):
			i += 2
			continue
		}
		if i+4 > len(b) {
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			break
		}
		i += 2 + n
		if m != jpegseg.SOS {
			continue
		}
		for { // the entropy-coded data of this scan
			e, ok := jpegseg.ScanEnd(b, i)
			if !ok {
				return pieces(b, out, from), dropped
			}
			if b[e+1] >= 0xC0 || b[e+1] == jpegseg.TEM {
				i = e // a real marker ends the scan
				break
			}
			if repairs++; repairs > maxRepairs {
				return b, 0
			}
			j := e + 2
			for j+1 < len(b) && !(b[j] == 0xFF && b[j+1] >= 0xC0 && b[j+1] != 0xFF) {
				j++
			}
			if j+1 >= len(b) {
				j = len(b)
			}
			if out == nil {
				out = make([]byte, 0, len(b))
			}
			out = append(out, b[from:e]...)
			dropped += j - e
			from, i = j, j
			if j == len(b) {
				return pieces(b, out, from), dropped
			}
		}
	}
	return pieces(b, out, from), dropped
}

func pieces(b, out []byte, from int) []byte {
	if out == nil {
		return b
	}
	return append(out, b[from:]...)
}
