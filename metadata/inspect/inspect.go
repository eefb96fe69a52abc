// Package inspect reports the identifying data hidden in an image file, for
// a person to read before sharing it: EXIF (every directory, GPS, MakerNote
// serials, thumbnails), XMP, IPTC and Photoshop resources, colour profiles,
// secondary images, C2PA manifests, vendor segments and chunks, text chunks,
// HEIF items and bytes after the end of the image, each finding placed in a
// [metadata.Category] with a [metadata.Severity].
//
// It reads the containers through the shared walkers under internal/ and
// reads what they hold with bounded parsers of its own; it never decodes the
// main image, and a block it cannot read becomes a finding, not an error.
package inspect

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// Limits that keep File bounded on hostile files.
const (
	maxValue    = 240     // runes of a value shown to the user
	maxFindings = 20000   // findings per file
	maxDepth    = 4       // nesting of embedded containers (EXIF in IRB in XMP ...)
	maxInflate  = 8 << 20 // bytes a compressed chunk may inflate to
	// maxInflateTotal bounds what all compressed chunks of a file may
	// inflate to together.
	maxInflateTotal = 32 << 20
)

// File reports every piece of identifying data it finds in the image b:
// EXIF (every IFD, GPS, MakerNote, thumbnails, a second EXIF), XMP (with
// extended XMP, face regions and edit history), IPTC and Photoshop resources,
// ICC profiles, MPF secondary images, C2PA manifests, vendor segments and
// chunks, PNG/GIF text, HEIF items, and bytes after the end of the image.
// Blocks it cannot read are reported as findings rather than errors; File
// fails only when the container itself is unsupported or unreadable.
func File(b []byte) (r *metadata.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("unreadable image (inspector failed: %v)", p)
		}
	}()
	f := photo.Sniff(b)
	if len(b) == 0 {
		return nil, photo.ErrEmpty
	}
	if f == photo.Unknown {
		return nil, photo.ErrUnsupported
	}
	in := &inspector{file: b}
	r = &metadata.Report{Format: f, Orientation: 1}
	if f == photo.TIFF {
		// TIFF metadata sits among the structural tags of IFD0: walk the whole
		// file as one EXIF structure rather than tag by tag.
		if _, err := ifd.Parse(b); err != nil {
			return nil, err
		}
		in.tiff(b, "TIFF", 0)
	} else {
		_, blocks, err := listBlocks(b)
		if err != nil && !hasImageData(blocks) {
			// Nothing past the headers could be read: not worth a report.
			return nil, err
		}
		in.blocks(f, b, blocks, "", 0)
		if err != nil {
			in.add(metadata.Other, metadata.Medium, "container", "Damaged file", errText(err))
		}
	}
	in.finish()
	r.Findings = in.findings
	r.Orientation = safeOrientation(b)
	if f == photo.HEIF {
		// The HEIF decoder takes most of a second to start: the largest
		// ispe property (the primary image or its grid) gives the size.
		r.Width, r.Height = in.w, in.h
	} else if cfg, err := safeConfig(b); err == nil {
		r.Width, r.Height = cfg.Width, cfg.Height
	}
	return r, nil
}

// hasImageData reports whether the walk reached the image data, so that
// a damaged file still gets a report of the metadata before the damage.
func hasImageData(blocks []block) bool {
	for _, b := range blocks {
		switch b.Name {
		case "SOS", "IDAT", "VP8 ", "VP8L", "image", "mdat":
			return true
		}
	}
	return false
}

// safeOrientation reads the orientation, treating a panic as "no orientation".
func safeOrientation(b []byte) (o int) {
	defer func() {
		if recover() != nil {
			o = 1
		}
	}()
	o = photo.Orientation(b)
	if o < 1 || o > 8 {
		o = 1
	}
	return o
}

// inspector collects findings for one file.
type inspector struct {
	findings []metadata.Finding
	// w, h is the image size when the inspector learnt it from the container
	// (HEIF ispe), used when photo.Config cannot read the header.
	w, h int
	// exifSeen counts EXIF structures, so a second EXIF segment is named.
	exifSeen int
	// icc collects JPEG ICC_PROFILE chunks (a profile may span segments).
	icc map[string]*iccParts
	// xmpExt collects extended-XMP chunks by GUID.
	xmpExt map[string]*extXMP
	// mpfKinds names the images of the MPF index, in order.
	mpfKinds []string
	// file is the whole file, for comparing thumbnails with the main image;
	// sig is the main image's signature once computed.
	file    []byte
	sig     *thumbSig
	sigDone bool
	// inflated counts bytes decompressed so far (see inflate); extBytes the
	// bytes reserved for extended XMP.
	inflated, extBytes int
}

// add records a finding, with the value made safe to print.
func (in *inspector) add(c metadata.Category, s metadata.Severity, where, field, value string) {
	if len(in.findings) >= maxFindings {
		return
	}
	v := cleanText(value)
	if v == "" {
		// An empty field tells nothing, but the cleaner removes it all the same.
		v, s = "(empty)", metadata.Low
	}
	f := cleanText(field)
	if f == "" {
		f = "(unnamed field)"
	}
	in.findings = append(in.findings, metadata.Finding{Category: c, Severity: s, Where: where, Field: f, Value: v})
}

// finish completes multi-block structures and orders the findings by category,
// then severity (highest first), keeping the file's order otherwise.
func (in *inspector) finish() {
	in.finishICC()
	in.finishXMPExt()
	rank := map[metadata.Category]int{}
	for i, c := range metadata.Categories {
		rank[c] = i
	}
	sort.SliceStable(in.findings, func(i, j int) bool {
		a, b := in.findings[i], in.findings[j]
		if rank[a.Category] != rank[b.Category] {
			return rank[a.Category] < rank[b.Category]
		}
		return a.Severity > b.Severity
	})
}

// guard runs fn and turns a panic into an "unreadable" finding, so that one bad
// block cannot hide the others.
func (in *inspector) guard(where, what string, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			in.add(metadata.Other, metadata.Medium, where, "Unreadable "+what, fmt.Sprintf("parser failed: %v", p))
		}
	}()
	fn()
}

// imageDesc describes an embedded image: its format, pixel size when
// readable, and byte size.
func imageDesc(b []byte) string {
	f := photo.Sniff(b)
	if f == photo.Unknown {
		return sizeText(len(b))
	}
	desc := strings.ToUpper(f.String())
	if cfg, err := safeConfig(b); err == nil && f != photo.HEIF {
		desc += fmt.Sprintf(" %dx%d", cfg.Width, cfg.Height)
	}
	return desc + ", " + sizeText(len(b))
}

// safeConfig reads an embedded image's header without letting a panic out.
func safeConfig(b []byte) (cfg struct{ Width, Height int }, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	if photo.Sniff(b) == photo.HEIF {
		return cfg, errors.New("not read")
	}
	c, _, err := photo.Config(b)
	cfg.Width, cfg.Height = c.Width, c.Height
	return cfg, err
}
