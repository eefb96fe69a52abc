package metadata

import (
	"errors"

	"codeberg.org/veil/veil/photo"
)

// Category groups findings by what they reveal about a person.
type Category string

// The categories, in the order a report lists them.
const (
	Location     Category = "location"
	People       Category = "people"
	Device       Category = "device"
	Time         Category = "time"
	Software     Category = "software"
	HiddenImages Category = "hidden images"
	Trailers     Category = "trailer"
	Other        Category = "other"
)

// Categories lists every category in report order.
var Categories = []Category{Location, People, Device, Time, Software, HiddenImages, Trailers, Other}

// Severity says how much a finding can reveal.
type Severity int

// Severities, lowest first.
const (
	Low    Severity = iota // harmless on its own (e.g. an exposure time)
	Medium                 // narrows down who or when (e.g. a camera model, a date)
	High                   // identifies a person or a place (GPS, a name, a serial, a hidden image)
)

// String returns "low", "medium" or "high".
func (s Severity) String() string {
	switch s {
	case High:
		return "high"
	case Medium:
		return "medium"
	}
	return "low"
}

// Finding is one piece of identifying data found in a file.
type Finding struct {
	Category Category
	Severity Severity
	// Where names the container location: "EXIF GPS", "XMP", "IPTC", "MakerNote",
	// "EXIF thumbnail", "MPF image 2", "after end of image", "PNG tEXt", ...
	Where string
	// Field is the human name of the field ("GPS position", "Body serial number").
	Field string
	// Value is a readable rendering of the value (GPS as decimal degrees).
	Value string
}

// Report is what the inspector found in one file.
type Report struct {
	Format        photo.Format
	Width, Height int // stored size
	Orientation   int // EXIF-style 1..8; 1 when absent
	Findings      []Finding
	// Video is set for videos (then Format is photo.Unknown and Width,
	// Height are the first video track's stored size).
	Video *VideoInfo
}

// Group is the findings of one category.
type Group struct {
	Category Category
	Findings []Finding
	Worst    Severity // the highest severity among them
}

// ByCategory groups the report's findings by category, in the order of
// [Categories], leaving out empty categories; within a group the findings
// keep their order in the report.
func (r *Report) ByCategory() []Group {
	var out []Group
	for _, c := range Categories {
		g := Group{Category: c}
		for _, f := range r.Findings {
			if f.Category == c {
				g.Findings = append(g.Findings, f)
				g.Worst = max(g.Worst, f.Severity)
			}
		}
		if len(g.Findings) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Mode selects what the cleaner removes.
type Mode int

const (
	// All removes everything not needed to show the image.
	All Mode = iota
	// LocationOnly removes location wherever it hides (EXIF GPS, XMP, IPTC,
	// thumbnails, secondary images, trailers) and keeps camera and date fields.
	LocationOnly
)

// Options control the cleaner and the verifier. The zero value removes
// everything.
type Options struct {
	Mode Mode
}

// Result is a cleaned image, not yet written anywhere.
type Result struct {
	Data []byte
	// Format of Data; may differ from the input's (HEIC becomes JPEG, for example).
	Format photo.Format
	// Lossless is true when the pixels of Data decode identically to the input's.
	Lossless bool
	// Removed describes what was taken out, one short phrase per item
	// ("EXIF GPS position", "XMP packet", "2 bytes after end of image", ...).
	Removed []string
	// Video is set for videos, whose cleaned copy is written straight to
	// disk: Data is then nil, Format photo.Unknown and Bytes its size.
	Video *VideoInfo
	Bytes int64
}

// ErrNotClean is returned by the verifier (and the cleaner, which runs it)
// when an output still holds, or may hold, identifying data. Callers must not
// write or keep such an output.
var ErrNotClean = errors.New("output still contains identifying data")
