package video

import (
	"image"
	"math"
	"slices"
)

// Detection is one face the detector found in one frame, in pixels of the
// upright frame at full size.
type Detection struct {
	// Box is the detector's tight box; tracks are matched on it.
	Box image.Rectangle
	// Cover is the area to redact for it (the box with the face margins).
	Cover image.Rectangle
	Score float32
}

// BoxKind says where a track's box in one frame comes from.
type BoxKind uint8

const (
	// Detected: the detector found the face in this frame.
	Detected BoxKind = iota
	// Filled: the detector missed the face here, but found it (as the same
	// track) both before and after; the box is interpolated between them.
	Filled
	// Extended: before the track's first or after its last detection; the
	// box continues the face's motion and grows, to cover a face entering
	// or leaving the frame, or turning, before and after the detector can
	// see it.
	Extended
)

// Track is one face followed through consecutive frames.
type Track struct {
	// ID numbers tracks from 1 in order of their first detection.
	ID int
	// First is the index of the first frame the track covers (extension
	// included); Boxes[i] is its area to redact in frame First+i and
	// Kinds[i] says how that box was found.
	First int
	Boxes []image.Rectangle
	Kinds []BoxKind
	// Detections is how many frames the detector found the face in;
	// BestScore its highest score.
	Detections int
	BestScore  float32
	// Second is set for a track made of what the check of a written
	// redaction found (Plan.AddFindings), not the first analysis.
	Second bool
}

// Last is the index of the last frame the track covers.
func (t *Track) Last() int { return t.First + len(t.Boxes) - 1 }

// At returns the track's area in frame i, if it covers it.
func (t *Track) At(i int) (image.Rectangle, bool) {
	if i < t.First || i > t.Last() {
		return image.Rectangle{}, false
	}
	return t.Boxes[i-t.First], true
}

// TrackOptions tune Follow.
type TrackOptions struct {
	// MinIoU is the overlap between a track's predicted box and a
	// detection from which they are the same face.
	MinIoU float64
	// MaxGap is the most frames in a row a face may be missed and still
	// be the same track, its gap filled; a longer gap ends the track.
	MaxGap int
	// Extend is how many frames each track is continued before its first
	// and after its last detection.
	Extend int
	// Grow is how much an extended box grows per frame, as a fraction of
	// its size (so that a face moving faster than predicted stays inside).
	Grow float64
	// Frame is the frame's rectangle, when known. A face cut by its edge
	// is detected smaller than it is; its box is then widened, away from
	// the edge, to the size the track has where the face is whole.
	Frame image.Rectangle
}

// DefaultTrackOptions are for a frame rate of fps: gaps of up to 1 s are
// filled, tracks extend by 0.25 s (at least 4 frames) each way.
func DefaultTrackOptions(fps float64) TrackOptions {
	if !(fps > 0) || fps > 1000 {
		fps = 30
	}
	return TrackOptions{
		MinIoU: 0.2,
		MaxGap: max(2, int(math.Round(fps))),
		Extend: max(4, int(math.Round(fps/4))),
		Grow:   0.04,
	}
}

// seen is one detection of a track, in frame f.
type seen struct {
	f int
	d Detection
}

// building is a track while Follow builds it.
type building struct {
	hits []seen
}

func (b *building) last() seen { return b.hits[len(b.hits)-1] }

// velocity is the track's box motion per frame forward in time (centre and
// size), from its last detections (its last four hits, which may be listed
// backwards in time), spread over a few frames so one jittery box does not
// fling the prediction.
func (b *building) velocity() (dx, dy, dw, dh float64) {
	n := len(b.hits)
	if n < 2 {
		return 0, 0, 0, 0
	}
	a := b.hits[max(0, n-4)]
	z := b.hits[n-1]
	df := float64(z.f - a.f) // negative for a run listed backwards
	if df == 0 {
		return 0, 0, 0, 0
	}
	ac, zc := centre(a.d.Box), centre(z.d.Box)
	return (zc[0] - ac[0]) / df, (zc[1] - ac[1]) / df,
		float64(z.d.Box.Dx()-a.d.Box.Dx()) / df, float64(z.d.Box.Dy()-a.d.Box.Dy()) / df
}

// predict is where the track's box should be in frame f.
func (b *building) predict(f int) image.Rectangle {
	l := b.last()
	dx, dy, _, _ := b.velocity()
	k := float64(f - l.f)
	return moveRect(l.d.Box, dx*k, dy*k)
}

// Follow links each frame's detections into tracks (frames[i] holds frame
// i's detections). A detection joins the track whose predicted box (its
// last box moved at its recent speed) it overlaps most, above MinIoU, or
// whose centre lies close to its own; otherwise it starts a track. A track
// missed for more than MaxGap frames ends. Each gap in a track is filled by
// interpolating between the detections on either side of it, never beyond
// them; then every track is extended by Extend frames each way (within
// 0..len(frames)-1), moving on at its speed and growing; last, each frame's
// box is joined with those of the frames next to it (steady). Every detection
// belongs to exactly one track, however briefly seen: the detector's single
// frames are redacted too, for a person to review.
func Follow(frames [][]Detection, opt TrackOptions) []*Track {
	var active, done []*building
	for f, dets := range frames {
		// Tracks missed for too long are over.
		keep := active[:0]
		for _, b := range active {
			if f-b.last().f > opt.MaxGap+1 {
				done = append(done, b)
			} else {
				keep = append(keep, b)
			}
		}
		active = keep
		for _, m := range match(active, dets, f, opt) {
			if m.track < 0 {
				active = append(active, &building{hits: []seen{{f, dets[m.det]}}})
				continue
			}
			active[m.track].hits = append(active[m.track].hits, seen{f, dets[m.det]})
		}
	}
	done = append(done, active...)
	slices.SortStableFunc(done, func(a, b *building) int {
		if a.hits[0].f != b.hits[0].f {
			return a.hits[0].f - b.hits[0].f
		}
		return a.hits[0].d.Box.Min.X - b.hits[0].d.Box.Min.X
	})
	tracks := make([]*Track, len(done))
	for i, b := range done {
		tracks[i] = b.finish(i+1, len(frames), opt)
	}
	return tracks
}

type pairing struct{ track, det int }

// match pairs frame f's detections with active tracks, best overlap first;
// unpaired detections get track -1.
func match(active []*building, dets []Detection, f int, opt TrackOptions) []pairing {
	type cand struct {
		t, d  int
		score float64
	}
	var cands []cand
	for ti, b := range active {
		if b.last().f == f {
			continue
		}
		p := b.predict(f)
		for di, d := range dets {
			if s := affinity(p, d.Box, opt.MinIoU); s > 0 {
				cands = append(cands, cand{ti, di, s})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	usedT := make([]bool, len(active))
	usedD := make([]bool, len(dets))
	var out []pairing
	for _, c := range cands {
		if usedT[c.t] || usedD[c.d] {
			continue
		}
		usedT[c.t], usedD[c.d] = true, true
		out = append(out, pairing{c.t, c.d})
	}
	for di := range dets {
		if !usedD[di] {
			out = append(out, pairing{-1, di})
		}
	}
	return out
}

// affinity scores how likely box d is the face predicted at p: their IoU
// when at least minIoU; else, for boxes of similar size whose centres lie
// within half a face of each other (a small face moving fast), a score below
// any accepted IoU; else 0.
func affinity(p, d image.Rectangle, minIoU float64) float64 {
	if v := iou(p, d); v >= minIoU {
		return v
	}
	pw, ph := float64(p.Dx()), float64(p.Dy())
	dw, dh := float64(d.Dx()), float64(d.Dy())
	if pw <= 0 || ph <= 0 || dw <= 0 || dh <= 0 {
		return 0
	}
	ratio := math.Sqrt(pw*ph) / math.Sqrt(dw*dh)
	if ratio < 0.6 || ratio > 1/0.6 {
		return 0
	}
	pc, dc := centre(p), centre(d)
	dist := math.Hypot(pc[0]-dc[0], pc[1]-dc[1])
	reach := 0.5 * math.Max(math.Max(pw, ph), math.Max(dw, dh))
	if dist > reach {
		return 0
	}
	return minIoU * 0.5 * (1 - dist/reach)
}

// finish turns a built track into frames' boxes: detections as they are,
// gaps interpolated, and the extensions.
func (b *building) finish(id, frames int, opt TrackOptions) *Track {
	first, last := b.hits[0], b.last()
	t := &Track{ID: id, Detections: len(b.hits)}
	for _, h := range b.hits {
		t.BestScore = max(t.BestScore, h.d.Score)
	}
	start := max(0, first.f-opt.Extend)
	end := min(frames-1, last.f+opt.Extend)
	t.First = start
	t.Boxes = make([]image.Rectangle, end-start+1)
	t.Kinds = make([]BoxKind, end-start+1)
	// Motion at each end, from the detections nearest it.
	head := &building{hits: reversed(b.hits[:min(len(b.hits), 4)])}
	for f := start; f <= end; f++ {
		i := f - start
		switch {
		case f < first.f:
			t.Boxes[i] = grow(head.carry(f), opt.Grow*float64(first.f-f))
			t.Kinds[i] = Extended
		case f > last.f:
			t.Boxes[i] = grow(b.carry(f), opt.Grow*float64(f-last.f))
			t.Kinds[i] = Extended
		}
	}
	b.wholeAtEdges(opt.Frame, opt.MaxGap)
	for j, h := range b.hits {
		t.Boxes[h.f-start] = h.d.Cover
		t.Kinds[h.f-start] = Detected
		if j == 0 {
			continue
		}
		p := b.hits[j-1]
		for f := p.f + 1; f < h.f; f++ {
			a := float64(f-p.f) / float64(h.f-p.f)
			// The union with a little growth covers a face that moved
			// along a curve rather than a line between the two.
			box := lerpRect(p.d.Cover, h.d.Cover, a)
			t.Boxes[f-start] = grow(box, opt.Grow*math.Min(float64(f-p.f), float64(h.f-f)))
			t.Kinds[f-start] = Filled
		}
	}
	t.Boxes = steady(t.Boxes)
	return t
}

// steady makes each frame's box also cover the track's boxes in the frames
// just before and after it. A detector's box jitters by a few pixels from
// frame to frame, and on a face 30 px wide a strip of hairline or chin
// showed in one frame where the boxes around it covered it; the union
// costs a few pixels more of redaction along the face's motion.
func steady(boxes []image.Rectangle) []image.Rectangle {
	out := make([]image.Rectangle, len(boxes))
	for i, b := range boxes {
		if i > 0 {
			b = b.Union(boxes[i-1])
		}
		if i+1 < len(boxes) {
			b = b.Union(boxes[i+1])
		}
		out[i] = b
	}
	return out
}

// edgeSlack is how close to the frame's edge a detector's box must come
// to count as cut by it.
const edgeSlack = 2

// wholeAtEdges corrects the cover of every detection cut by the frame's
// edge, where the detector sees part of a face (and, with its mirrored
// border, may centre its box on the edge itself):
//
//   - the cover is widened, away from the edge, to the track's size where
//     its face is whole (the median over the detections clear of every
//     edge), keeping the side away from the edge where it is;
//   - it is joined with where the face was predicted to be, from the
//     nearest whole detections before and after it (within maxGap frames)
//     moving at their speed.
//
// A track never seen whole is left as it is.
func (b *building) wholeAtEdges(frame image.Rectangle, maxGap int) {
	if frame.Empty() {
		return
	}
	inner := frame.Inset(edgeSlack)
	var whole []seen
	var ws, hs []int
	for _, h := range b.hits {
		if h.d.Box.In(inner) {
			whole = append(whole, h)
			ws = append(ws, h.d.Cover.Dx())
			hs = append(hs, h.d.Cover.Dy())
		}
	}
	if len(whole) == 0 {
		return
	}
	slices.Sort(ws)
	slices.Sort(hs)
	w, hgt := ws[len(ws)/2], hs[len(hs)/2]
	for k := range b.hits {
		h := &b.hits[k]
		box, c := h.d.Box, &h.d.Cover
		if box.In(inner) {
			continue
		}
		if box.Min.X <= inner.Min.X && c.Dx() < w {
			c.Min.X = c.Max.X - w
		}
		if box.Max.X >= inner.Max.X && c.Dx() < w {
			c.Max.X = c.Min.X + w
		}
		if box.Min.Y <= inner.Min.Y && c.Dy() < hgt {
			c.Min.Y = c.Max.Y - hgt
		}
		if box.Max.Y >= inner.Max.Y && c.Dy() < hgt {
			c.Max.Y = c.Min.Y + hgt
		}
		// The nearest whole sightings before and after, carried on.
		at, _ := slices.BinarySearchFunc(whole, h.f, func(s seen, f int) int { return s.f - f })
		if at > 0 && h.f-whole[at-1].f <= maxGap {
			run := &building{hits: whole[max(0, at-4):at]}
			*c = c.Union(run.carry(h.f))
		}
		if at < len(whole) && whole[at].f-h.f <= maxGap {
			run := &building{hits: reversed(whole[at:min(len(whole), at+4)])}
			*c = c.Union(run.carry(h.f))
		}
	}
}

// carry is the cover of the run's last detection moved at the run's speed
// to frame f (before or after it).
func (b *building) carry(f int) image.Rectangle {
	l := b.last()
	dx, dy, _, _ := b.velocity()
	k := float64(f - l.f)
	return moveRect(l.d.Cover, dx*k, dy*k)
}

func reversed(h []seen) []seen {
	r := slices.Clone(h)
	slices.Reverse(r)
	return r
}

func centre(r image.Rectangle) [2]float64 {
	return [2]float64{float64(r.Min.X+r.Max.X) / 2, float64(r.Min.Y+r.Max.Y) / 2}
}

func moveRect(r image.Rectangle, dx, dy float64) image.Rectangle {
	return r.Add(image.Pt(int(math.Round(dx)), int(math.Round(dy))))
}

// grow enlarges r by fraction f of its size on every side.
func grow(r image.Rectangle, f float64) image.Rectangle {
	if f <= 0 {
		return r
	}
	gx := int(math.Ceil(f * float64(r.Dx())))
	gy := int(math.Ceil(f * float64(r.Dy())))
	return image.Rect(r.Min.X-gx, r.Min.Y-gy, r.Max.X+gx, r.Max.Y+gy)
}

func lerpRect(a, b image.Rectangle, t float64) image.Rectangle {
	l := func(x, y int) int { return int(math.Round(float64(x) + t*float64(y-x))) }
	return image.Rect(l(a.Min.X, b.Min.X), l(a.Min.Y, b.Min.Y), l(a.Max.X, b.Max.X), l(a.Max.Y, b.Max.Y))
}

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ia := float64(in.Dx() * in.Dy())
	u := float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia
	if u <= 0 {
		return 0
	}
	return ia / u
}
