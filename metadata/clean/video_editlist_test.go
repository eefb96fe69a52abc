package clean

import (
	"bytes"
	"context"
	"encoding/binary"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// table builds a stts or ctts payload (version 0) of (count, value) runs.
func table(runs ...uint32) []byte {
	d := binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, uint32(len(runs)/2))
	for _, v := range runs {
		d = binary.BigEndian.AppendUint32(d, v)
	}
	return d
}

func TestEarliestComposition(t *testing.T) {
	neg := uint32(0xFFFFF8F8) // -1800 as a signed offset
	cases := []struct {
		name       string
		stts, ctts []byte
		want       int64
		ok         bool
	}{
		{"no ctts", table(10, 1800), nil, 0, true},
		// The AVCHD clip: I shown at 7200 (decoded at 0), then B fields
		// shown before it, decoded after it.
		{"leading B", table(6, 1800), table(1, 7200, 1, 7200, 4, 0), 3600, true},
		{"signed offsets", table(2, 100), table(1, 0, 1, neg), -1700, true},
		{"runs split differently", table(1, 10, 3, 20), table(2, 50, 2, 5), 35, true},
		{"fewer offsets than samples", table(4, 10), table(2, 5), 0, false},
		{"no samples", table(), nil, 0, false},
		{"cut short", table(3, 10)[:12], nil, 0, false},
		{"huge counts", table(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), nil, 0, false},
	}
	for _, c := range cases {
		got, ok := earliestComposition(c.stts, c.ctts)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: got %d, %v; want %d, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// elst builds an elst payload of (duration, media time) pairs at rate 1.
func elst(wide bool, pairs ...int64) []byte {
	var es []edit
	for i := 0; i < len(pairs); i += 2 {
		es = append(es, edit{Duration: uint64(pairs[i]), MediaTime: pairs[i+1], Rate: 1 << 16})
	}
	return buildElst(es, wide)
}

func TestShowLeadingFrames(t *testing.T) {
	cases := []struct {
		name     string
		in       []byte
		earliest int64
		movie    uint32
		want     []byte
	}{
		// FFmpeg's edit list for the Sony clip (movie 1/1000, media 1/90000):
		// 80 ms empty, then 440 ms from the I picture at 10800; the first
		// frame is at 3600, 80 ms earlier.
		{"AVCHD clip", elst(false, 80, -1, 440, 10800), 3600, 1000, elst(false, 520, 3600)},
		{"64-bit edit list", elst(true, 80, -1, 440, 10800), 3600, 1000, elst(true, 520, 3600)},
		// An empty edit too short for all the hidden frames: as many as fit.
		{"part of the way", elst(false, 40, -1, 440, 10800), 3600, 1000, elst(false, 480, 7200)},
		{"empty edit left over", elst(false, 100, -1, 440, 10800), 3600, 1000, elst(false, 20, -1, 520, 3600)},
		{"no empty edit", elst(false, 440, 10800), 3600, 1000, elst(false, 440, 10800)},
		{"nothing hidden", elst(false, 80, -1, 440, 10800), 10800, 1000, elst(false, 80, -1, 440, 10800)},
		{"two visible edits", elst(false, 80, -1, 200, 10800, 240, 40000), 3600, 1000, elst(false, 80, -1, 200, 10800, 240, 40000)},
		{"no movie timescale", elst(false, 80, -1, 440, 10800), 3600, 0, elst(false, 80, -1, 440, 10800)},
		{"cut short", elst(false, 80, -1, 440, 10800)[:20], 3600, 1000, elst(false, 80, -1, 440, 10800)[:20]},
	}
	for _, c := range cases {
		got := showLeadingFrames(c.in, c.earliest, c.movie, 90000)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: got %x, want %x", c.name, got, c.want)
		}
	}
}

// FuzzShowLeadingFrames: any edit list and tables give no panic, and a
// changed edit list is well formed and keeps the track's length.
func FuzzShowLeadingFrames(f *testing.F) {
	f.Add(elst(false, 80, -1, 440, 10800), table(6, 1800), table(1, 7200, 1, 7200, 4, 0), uint32(1000))
	f.Add(elst(true, 80, -1, 440, 10800), table(2, 100), table(1, 0, 1, 0xFFFFF8F8), uint32(600))
	f.Fuzz(func(t *testing.T, e, stts, ctts []byte, movie uint32) {
		earliest, ok := earliestComposition(stts, ctts)
		if !ok {
			return
		}
		out := showLeadingFrames(e, earliest, movie, 90000)
		if bytes.Equal(out, e) {
			return
		}
		before, _, ok1 := parseElst(e)
		after, _, ok2 := parseElst(out)
		if !ok1 || !ok2 {
			t.Fatalf("rewrote %x into %x", e, out)
		}
		var a, b uint64
		for _, x := range before {
			a += x.Duration
		}
		for _, x := range after {
			b += x.Duration
		}
		if a != b {
			t.Fatalf("the track's length changed from %d to %d", a, b)
		}
	})
}

// TestVideoCutTransportStreamKeepsItsTiming: a transport stream cut at an
// open-GOP I picture opens with B pictures shown before that I, which
// FFmpeg's MP4 muxer puts outside its edit list and the clean copy moves
// back into it. These B pictures refer to frames cut away, so a decoder
// drops them in the stream and in the copy alike: the copy must still
// play the same frames at the same times, with its audio. (The AVCHD clip
// of the fixtures has leading B pictures that do decode, and shows them
// all: TestVideoFixturesAcceptance.)
func TestVideoCutTransportStreamKeepsItsTiming(t *testing.T) {
	testenv.NeedFFmpeg(t)
	dir := t.TempDir()
	full, cut := filepath.Join(dir, "full.ts"), filepath.Join(dir, "cut.ts")
	// A fixed I B B P pattern whose GOP length is a multiple of 3, so that
	// the I pictures take a P's place, after two B pictures shown first.
	enc := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=3",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "-c:v", "libx264", "-preset", "veryfast", "-x264-params", "keyint=24:min-keyint=24:open-gop=1:bframes=2:b-adapt=0:b-pyramid=none:scenecut=0",
		"-f", "mpegts", full)
	if b, err := enc.CombinedOutput(); err != nil {
		if strings.Contains(string(b), "Unknown encoder") {
			t.Skip("this FFmpeg has no H.264 encoder: test skipped")
		}
		t.Fatalf("encode: %v: %s", err, b)
	}
	if b, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", "1.5", "-i", full, "-c", "copy", "-f", "mpegts", cut).CombinedOutput(); err != nil {
		t.Fatalf("cut: %v: %s", err, b)
	}
	// The test means something only if the cut opens with hidden frames:
	// a packet after the first (in decoding order) is shown before it.
	pk, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts", "-of", "csv=p=0", cut).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pts []int64
	for _, l := range strings.Fields(string(pk)) {
		if v, err := strconv.ParseInt(strings.TrimSuffix(l, ","), 10, 64); err == nil {
			pts = append(pts, v)
		}
	}
	if len(pts) < 3 || min(pts[1], pts[2]) >= pts[0] { // I B B P: the Bs come first
		t.Fatalf("the cut stream does not open with leading B pictures (pts %v)", pts[:min(len(pts), 4)])
	}
	out := filepath.Join(dir, "cut.mp4")
	if _, err := Video(context.Background(), cut, out, metadata.Options{}, nil); err != nil {
		t.Fatalf("clean: %v", err)
	}
	checkFrames(t, cut, out, true)
}
