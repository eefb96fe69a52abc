package video

import (
	"image"
	"testing"
)

// face returns a detection whose tight box is r and whose cover is r grown by
// a quarter on each side.
func face(r image.Rectangle) Detection {
	return Detection{Box: r, Cover: grow(r, 0.25), Score: 0.9}
}

// path lists a face's tight box per frame: w×w at (x0 + vx·f, y0).
func path(n, x0, y0, vx, w int) []image.Rectangle {
	out := make([]image.Rectangle, n)
	for f := range out {
		x := x0 + vx*f
		out[f] = image.Rect(x, y0, x+w, y0+w)
	}
	return out
}

// frames builds per-frame detections from faces' paths, leaving out the
// frames listed in miss[k] for face k.
func frames(paths [][]image.Rectangle, miss []map[int]bool) [][]Detection {
	n := len(paths[0])
	out := make([][]Detection, n)
	for k, p := range paths {
		for f, r := range p {
			if miss != nil && miss[k][f] {
				continue
			}
			out[f] = append(out[f], face(r))
		}
	}
	return out
}

func TestFollow(t *testing.T) {
	opt := TrackOptions{MinIoU: 0.2, MaxGap: 5, Extend: 3, Grow: 0.04}
	tests := []struct {
		name   string
		paths  [][]image.Rectangle
		miss   []map[int]bool
		tracks int
		// filled is how many Filled boxes the first track should have.
		filled int
	}{
		{"still face", [][]image.Rectangle{path(20, 100, 100, 0, 40)}, nil, 1, 0},
		{"moving face", [][]image.Rectangle{path(20, 100, 100, 6, 40)}, nil, 1, 0},
		{"gap filled", [][]image.Rectangle{path(20, 100, 100, 6, 40)}, []map[int]bool{{7: true, 8: true, 9: true}}, 1, 3},
		{"gap too long", [][]image.Rectangle{path(20, 100, 100, 2, 40)}, []map[int]bool{{5: true, 6: true, 7: true, 8: true, 9: true, 10: true}}, 2, 0},
		// 30 px a frame: successive boxes of a 20 px face never overlap.
		{"fast small face", [][]image.Rectangle{path(12, 10, 100, 9, 20)}, nil, 1, 0},
		{"two faces", [][]image.Rectangle{path(20, 100, 100, 3, 40), path(20, 400, 100, -3, 40)}, nil, 2, 0},
		{"single frame", [][]image.Rectangle{path(20, 100, 100, 0, 40)}, []map[int]bool{func() map[int]bool {
			m := map[int]bool{}
			for f := range 20 {
				m[f] = f != 10
			}
			return m
		}()}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := frames(tt.paths, tt.miss)
			tracks := Follow(fr, opt)
			if len(tracks) != tt.tracks {
				t.Fatalf("%d tracks, want %d", len(tracks), tt.tracks)
			}
			filled := 0
			for _, k := range tracks[0].Kinds {
				if k == Filled {
					filled++
				}
			}
			if filled != tt.filled {
				t.Errorf("first track has %d filled boxes, want %d", filled, tt.filled)
			}
			// Every detection is covered by a track in its frame, and every
			// frame where a face truly is (between its first and last
			// detection, gaps within MaxGap) is covered.
			for k, p := range tt.paths {
				seenAt := []int{}
				for f := range p {
					if tt.miss == nil || !tt.miss[k][f] {
						seenAt = append(seenAt, f)
					}
				}
				for i, f := range seenAt {
					if i > 0 && f-seenAt[i-1]-1 > opt.MaxGap {
						continue
					}
					lo := f
					if i > 0 {
						lo = seenAt[i-1]
					}
					for g := lo; g <= f; g++ {
						if !covered(tracks, g, p[g]) {
							t.Errorf("face %d in frame %d (%v) is not covered", k, g, p[g])
						}
					}
				}
			}
			// Extensions: Extend frames each way, clipped to the video.
			tr := tracks[0]
			first := 0
			for first < len(fr) && len(fr[first]) == 0 {
				first++
			}
			if want := max(0, first-opt.Extend); tr.First != want {
				t.Errorf("first track starts at %d, want %d", tr.First, want)
			}
			if tr.Last() > len(fr)-1 {
				t.Errorf("track ends at %d past the video's %d frames", tr.Last(), len(fr))
			}
		})
	}
}

// covered says whether face r in frame f lies inside some track's box.
func covered(tracks []*Track, f int, r image.Rectangle) bool {
	for _, tr := range tracks {
		if b, ok := tr.At(f); ok && r.In(b) {
			return true
		}
	}
	return false
}

// TestFollowExtensionFollowsMotion: a face leaving the frame to the right is
// still covered for Extend frames after the detector lost it, where it went.
func TestFollowExtensionFollowsMotion(t *testing.T) {
	opt := TrackOptions{MinIoU: 0.2, MaxGap: 5, Extend: 4, Grow: 0.04}
	p := path(30, 100, 100, 8, 40)
	miss := map[int]bool{}
	for f := 20; f < 30; f++ {
		miss[f] = true // "left the frame": not detected any more
	}
	tracks := Follow(frames([][]image.Rectangle{p}, []map[int]bool{miss}), opt)
	if len(tracks) != 1 {
		t.Fatalf("%d tracks", len(tracks))
	}
	for f := 20; f < 24; f++ {
		if !covered(tracks, f, p[f]) {
			t.Errorf("frame %d: the face moving on at %v is not covered", f, p[f])
		}
		if k := tracks[0].Kinds[f-tracks[0].First]; k != Extended {
			t.Errorf("frame %d is %d, want Extended", f, k)
		}
	}
	if tracks[0].Last() != 23 {
		t.Errorf("track ends at %d, want 23", tracks[0].Last())
	}
}

func TestFollowEmpty(t *testing.T) {
	if tr := Follow(make([][]Detection, 10), DefaultTrackOptions(30)); len(tr) != 0 {
		t.Fatalf("%d tracks from no detections", len(tr))
	}
	if tr := Follow(nil, DefaultTrackOptions(0)); len(tr) != 0 {
		t.Fatal("tracks from no frames")
	}
}

// TestFollowFaceCutByEdge: a face leaving the frame is detected ever
// smaller as the edge cuts it; its cover keeps the size it had whole.
func TestFollowFaceCutByEdge(t *testing.T) {
	frame := image.Rect(0, 0, 320, 240)
	opt := TrackOptions{MinIoU: 0.2, MaxGap: 5, Extend: 2, Grow: 0.04, Frame: frame}
	var fr [][]Detection
	var truth []image.Rectangle
	for f := range 12 {
		whole := image.Rect(100-12*f, 80, 160-12*f, 140) // moving left, out of the frame
		truth = append(truth, whole)
		fr = append(fr, []Detection{face(whole.Intersect(frame))})
	}
	tracks := Follow(fr, opt)
	if len(tracks) != 1 {
		t.Fatalf("%d tracks", len(tracks))
	}
	for f, whole := range truth {
		if !covered(tracks, f, whole) {
			b, _ := tracks[0].At(f)
			t.Errorf("frame %d: face %v not inside its cover %v", f, whole, b)
		}
	}
}

// TestFollowExtensionBeforeFollowsMotion: before its first detection, a
// face entering from the left is covered where it was coming from.
func TestFollowExtensionBeforeFollowsMotion(t *testing.T) {
	opt := TrackOptions{MinIoU: 0.2, MaxGap: 5, Extend: 4, Grow: 0.04}
	p := path(30, 10, 100, 8, 40)
	miss := map[int]bool{}
	for f := range 10 {
		miss[f] = true
	}
	tracks := Follow(frames([][]image.Rectangle{p}, []map[int]bool{miss}), opt)
	if len(tracks) != 1 || tracks[0].First != 6 {
		t.Fatalf("tracks %v", tracks)
	}
	for f := 6; f < 10; f++ {
		if !covered(tracks, f, p[f]) {
			b, _ := tracks[0].At(f)
			t.Errorf("frame %d: the face coming in at %v is not inside %v", f, p[f], b)
		}
	}
}

// TestFollowEdgeBoxOffCentre: where a face leaves the frame the detector may
// box a sliver centred on the edge (its mirrored border makes the face's
// reflection part of what it sees); the face's predicted place is covered
// anyway.
func TestFollowEdgeBoxOffCentre(t *testing.T) {
	frame := image.Rect(0, 0, 640, 360)
	opt := TrackOptions{MinIoU: 0.2, MaxGap: 8, Extend: 2, Grow: 0.04, Frame: frame}
	var fr [][]Detection
	var truth []image.Rectangle
	for f := range 14 {
		whole := image.Rect(120-11*f, 80, 250-11*f, 250) // 130 px wide, leaving at 11 px a frame
		truth = append(truth, whole)
		box := whole
		if whole.Min.X < 0 {
			// A sliver centred on the edge, half as wide as the visible part.
			box = image.Rect(0, 80, whole.Max.X/2, 250)
		}
		fr = append(fr, []Detection{{Box: box, Cover: grow(box, 0.2), Score: 0.9}})
	}
	tracks := Follow(fr, opt)
	if len(tracks) != 1 {
		t.Fatalf("%d tracks", len(tracks))
	}
	for f, whole := range truth {
		if vis := whole.Intersect(frame); !covered(tracks, f, vis) {
			b, _ := tracks[0].At(f)
			t.Errorf("frame %d: visible face %v not inside %v", f, vis, b)
		}
	}
}

// TestFollowCoversJitter: a still face whose detection slips by 6 px in
// one frame (as a detector's box does on a small face) is still covered
// in that frame, by the boxes of the frames around it; and a steady box
// stays where it was detected, not grown.
func TestFollowCoversJitter(t *testing.T) {
	truth := image.Rect(100, 100, 130, 150)
	dets := make([][]Detection, 9)
	for f := range dets {
		r := truth
		if f == 4 {
			r = r.Add(image.Pt(0, 6)) // the chin's strip is left out
		}
		dets[f] = []Detection{{Box: r, Cover: r, Score: 0.9}}
	}
	tracks := Follow(dets, TrackOptions{MinIoU: 0.2, MaxGap: 5, Extend: 0, Grow: 0.04})
	if len(tracks) != 1 {
		t.Fatalf("%d tracks, want 1", len(tracks))
	}
	for f := range dets {
		box, ok := tracks[0].At(f)
		if !ok || !truth.In(box) {
			t.Errorf("frame %d: box %v does not cover the face %v", f, box, truth)
		}
	}
	if box, _ := tracks[0].At(1); box != truth {
		t.Errorf("frame 1, far from the slip: box %v, want %v as detected", box, truth)
	}
}
