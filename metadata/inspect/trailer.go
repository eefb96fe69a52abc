package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// trailer reports bytes after the end of an image: MPF secondary images,
// motion-photo video, Samsung SEFT trailers, appended images (aCropalypse
// leftovers) and anything else.
func (in *inspector) trailer(blk block, f photo.Format, prefix string, depth int) {
	p := blk.Data
	where := within(prefix, blk.Name)
	if strings.HasPrefix(blk.Name, "MPF image ") {
		kind := "secondary image"
		if n, err := strconv.Atoi(strings.TrimPrefix(blk.Name, "MPF image ")); err == nil && n-1 < len(in.mpfKinds) && n >= 1 {
			kind = in.mpfKinds[n-1]
		}
		in.add(metadata.HiddenImages, metadata.High, where, "Secondary image", fmt.Sprintf("%s, %s (carries its own metadata)", imageDesc(p), kind))
		in.embedded(p, within(prefix, blk.Name), depth)
		return
	}
	if len(bytes.Trim(p, "\x00")) == 0 {
		in.add(metadata.Trailers, metadata.Low, where, "Padding", fmt.Sprintf("%s of zeros", sizeText(len(p))))
		return
	}
	parts := in.trailerParts(p, f, where, depth)
	in.add(metadata.Trailers, metadata.High, where, "Data after end of image", fmt.Sprintf("%s: %s", sizeText(len(p)), strings.Join(parts, "; ")))
}

// trailerParts names what the trailing bytes hold.
func (in *inspector) trailerParts(p []byte, f photo.Format, where string, depth int) []string {
	var parts []string
	rest := p
	if i := bytes.LastIndex(p, []byte("SEFH")); i >= 0 && bytes.HasSuffix(bytes.TrimRight(p, "\x00"), []byte("SEFT")) {
		parts = append(parts, "Samsung trailer (SEFT: capture time, network country, original file path, edit data)")
		in.seft(p, where)
		rest = p[:i]
	}
	switch {
	case bytes.HasPrefix(rest, []byte{0xFF, 0xD8, 0xFF}):
		if len(in.mpfKinds) > 1 {
			parts = append(parts, "secondary images listed by MPF")
		} else {
			parts = append(parts, "an appended JPEG image (leftover of an earlier version, e.g. aCropalypse, or a hidden copy): "+imageDesc(rest))
			in.embedded(rest, within("", "appended image"), depth)
		}
	case bytes.HasPrefix(rest, []byte("\x89PNG\r\n\x1a\n")):
		parts = append(parts, "an appended PNG image: "+imageDesc(rest))
	case f == photo.PNG && (bytes.Contains(rest, []byte("IDAT")) || bytes.Contains(rest, []byte("IEND"))):
		parts = append(parts, "the tail of an earlier, larger image (aCropalypse leftover: part of the original can be recovered)")
	case f == photo.JPEG && bytes.Contains(rest, []byte{0xFF, 0xD9}) && entropyLike(rest):
		parts = append(parts, "the tail of an earlier, larger image (aCropalypse leftover: part of the original can be recovered)")
	}
	if i := findFtyp(rest); i >= 0 {
		brand := strings.TrimSpace(string(rest[i+4 : i+8]))
		parts = append(parts, fmt.Sprintf("a video (ISO-BMFF '%s', %s: motion photo or Live Photo clip)", printable.String(brand), sizeText(len(rest)-i+4)))
	}
	if i := bytes.Index(rest, []byte("\x1c\x02\x00\x00\x02")); i >= 0 {
		// IPTC appended by photo-management tools (AFCP "AXS!", FotoStation).
		parts = append(parts, "IPTC data")
		in.iptc(iptcRun(rest[i:]), where+" IPTC")
	}
	if bytes.Contains(rest, []byte("<x:xmpmeta")) {
		parts = append(parts, "an XMP packet")
	}
	if len(parts) == 0 {
		desc := "unknown data"
		if s := printableRuns(rest, 4, 3); s != "" {
			desc += " (" + s + ")"
		}
		parts = append(parts, desc)
	}
	return parts
}

// findFtyp finds an ISO-BMFF ftyp box and returns the offset of "ftyp".
func findFtyp(b []byte) int {
	for i, n := 4, 0; i+8 <= len(b) && n < 64; n++ {
		k := bytes.Index(b[i:], []byte("ftyp"))
		if k < 0 {
			return -1
		}
		i += k
		size := binary.BigEndian.Uint32(b[i-4:])
		if size >= 12 && size <= 1024 && i+8 <= len(b) {
			return i
		}
		i += 4
	}
	return -1
}

// entropyLike reports whether b looks like JPEG entropy-coded data (high
// byte variety) rather than text or structure.
func entropyLike(b []byte) bool {
	if len(b) < 256 {
		return false
	}
	var seen [256]bool
	n := 0
	for _, c := range b[:min(len(b), 4096)] {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n > 160
}

// seft reads the directory of a Samsung trailer: ... records ... "SEFH"
// version count {pad, type, offset back from SEFH, length}... dirlen "SEFT".
func (in *inspector) seft(p []byte, where string) {
	t := bytes.TrimRight(p, "\x00")
	if len(t) < 8 {
		return
	}
	dirLen := int(binary.LittleEndian.Uint32(t[len(t)-8:]))
	h := len(t) - 8 - dirLen
	if dirLen < 12 || h < 0 || string(t[h:h+4]) != "SEFH" {
		return
	}
	count := int(binary.LittleEndian.Uint32(t[h+8:]))
	for i := 0; i < count && i < 64 && h+12+12*i+12 <= len(t); i++ {
		e := t[h+12+12*i:]
		off, size := int(binary.LittleEndian.Uint32(e[4:])), int(binary.LittleEndian.Uint32(e[8:]))
		start := h - off
		if start < 0 || size < 8 || start+size > h {
			continue
		}
		rec := t[start : start+size]
		nameLen := int(binary.LittleEndian.Uint32(rec[4:]))
		if nameLen <= 0 || 8+nameLen > len(rec) {
			continue
		}
		name, val := string(rec[8:8+nameLen]), rec[8+nameLen:]
		in.seftRecord(name, val, where)
	}
}

func (in *inspector) seftRecord(name string, val []byte, where string) {
	w := where + " (Samsung)"
	switch name {
	case "Image_UTC_Data":
		v := trimText(val)
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
			v = time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
		}
		in.add(metadata.Time, metadata.High, w, "Capture time (UTC)", v)
	case "MCC_Data":
		in.add(metadata.Location, metadata.Medium, w, "Mobile country code", trimText(val))
	case "Original_Path_Hash_Key":
		in.add(metadata.Other, metadata.High, w, "Original file path", trimText(val))
	case "MotionPhoto_Data", "MotionPhoto_Version":
		in.add(metadata.HiddenImages, metadata.High, w, "Motion photo", sizeText(len(val)))
	case "Photo_Editor_Re_Edit_Data", "PhotoEditor_Re_Edit_Data", "ReEditData":
		in.add(metadata.HiddenImages, metadata.High, w, "Re-edit data (the unedited original)", sizeText(len(val)))
	default:
		v := sizeText(len(val))
		if looksText(val) {
			v = trimText(val)
		}
		in.add(metadata.Trailers, metadata.Medium, w, name, v)
	}
}

// iptcRun returns the run of IPTC datasets at the start of b.
func iptcRun(b []byte) []byte {
	i := 0
	for i+5 <= len(b) && b[i] == 0x1C {
		n := int(binary.BigEndian.Uint16(b[i+3:]))
		if n&0x8000 != 0 || i+5+n > len(b) {
			break
		}
		i += 5 + n
	}
	return b[:i]
}
