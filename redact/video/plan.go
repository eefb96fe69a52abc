package video

import (
	"fmt"
	"image"
	"slices"
	"time"

	"codeberg.org/veil/veil/redact"
)

// Area is a region added by hand, shown from frame First to frame Last
// (inclusive): either fixed in place, or following what it covers.
type Area struct {
	First, Last int
	// Rect is the area in every frame when Boxes is nil.
	Rect image.Rectangle
	// Boxes, when not nil, holds the area in each frame First..Last (from
	// the simple tracker, see FollowArea).
	Boxes []image.Rectangle
}

// At returns the area in frame i, if it is shown then.
func (ar Area) At(i int) (image.Rectangle, bool) {
	if i < ar.First || i > ar.Last {
		return image.Rectangle{}, false
	}
	if ar.Boxes != nil {
		if k := i - ar.First; k < len(ar.Boxes) {
			return ar.Boxes[k], true
		}
		return image.Rectangle{}, false
	}
	return ar.Rect, true
}

// Plan is what to redact: every face track except those kept visible,
// and the areas added by hand, all in one style and shape.
type Plan struct {
	Tracks []*Track
	// Keep holds the IDs of tracks left visible (faces the user chose to
	// show, such as a speaker who consents).
	Keep  map[int]bool
	Areas []Area
	Style redact.Style
	Shape redact.Shape
}

// NewPlan redacts every track of a.
func NewPlan(a *Analysis, style redact.Style, shape redact.Shape) *Plan {
	return &Plan{Tracks: a.Tracks, Keep: map[int]bool{}, Style: style, Shape: shape}
}

// Regions returns the regions to burn into frame i.
func (p *Plan) Regions(i int) []redact.Region {
	var out []redact.Region
	for _, t := range p.Tracks {
		if p.Keep[t.ID] {
			continue
		}
		if r, ok := t.At(i); ok {
			out = append(out, redact.Region{Rect: r, Shape: p.Shape, Style: p.Style})
		}
	}
	for _, ar := range p.Areas {
		if r, ok := ar.At(i); ok {
			out = append(out, redact.Region{Rect: r, Shape: p.Shape, Style: p.Style})
		}
	}
	return out
}

// AddFindings turns the faces a check found outside the redactions into
// tracks of their own (tracked, filled and extended like the first ones,
// marked Second) and redacts them too. It returns the new tracks.
func (p *Plan) AddFindings(a *Analysis, fs []Finding) []*Track {
	if len(fs) == 0 {
		return nil
	}
	frames := make([][]Detection, len(a.Frames))
	for _, f := range fs {
		if f.Frame >= 0 && f.Frame < len(frames) {
			frames[f.Frame] = append(frames[f.Frame], Detection{Box: f.Box, Cover: f.Cover, Score: f.Score})
		}
	}
	next := 1
	for _, t := range p.Tracks {
		next = max(next, t.ID+1)
	}
	added := Follow(frames, a.trackOptions())
	for _, t := range added {
		t.ID, t.Second = next, true
		next++
	}
	p.Tracks = append(slices.Clone(p.Tracks), added...)
	return added
}

// Empty reports whether the plan redacts nothing at all.
func (p *Plan) Empty() bool {
	if len(p.Areas) > 0 {
		return false
	}
	for _, t := range p.Tracks {
		if !p.Keep[t.ID] {
			return false
		}
	}
	return true
}

// Span returns the frames shown at any moment in [from, to]: frame i is
// shown from its time until the next frame's. A to before from, or a span
// past the end, is an error naming the video's length.
func (a *Analysis) Span(from, to time.Duration) (first, last int, err error) {
	n := len(a.Frames)
	end := a.Frames[n-1].Time + a.FrameDuration(n-1)
	if to < from || from < 0 || from >= end {
		return 0, 0, fmt.Errorf("the time span %s to %s is not inside the video (0 to %s)", clock(from), clock(to), clock(end))
	}
	first = a.FrameAt(from)
	last = a.FrameAt(to)
	return first, last, nil
}

// clock formats t as m:ss.mmm.
func clock(t time.Duration) string {
	ms := t.Milliseconds()
	if ms < 0 {
		return "-" + clock(-t)
	}
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

// Clock formats a time in a video as m:ss.mmm, the form Veil prints times in.
func Clock(t time.Duration) string { return clock(t) }
