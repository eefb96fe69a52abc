package clean

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cleanBytes cleans b through Video and returns the output's bytes.
func cleanBytes(t *testing.T, b []byte) ([]byte, *metadata.Result, error) {
	t.Helper()
	in := writeTemp(t, "in.mov", b)
	out := filepath.Join(t.TempDir(), "out.mov")
	res, err := Video(context.Background(), in, out, metadata.Options{}, nil)
	if err != nil {
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("a failed clean left %s", out)
		}
		return nil, nil, err
	}
	got, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return got, res, nil
}

func TestVideoCleansPhoneMovie(t *testing.T) {
	m := mp4test.Phone()
	src := mp4test.Build(m)
	for _, s := range append(mp4test.Secrets, "SEI-CAMERA-SERIAL", "PhoneCam", "Core Media") {
		if !bytes.Contains(src, []byte(s)) {
			t.Fatalf("the test movie lacks %q: the test is broken", s)
		}
	}
	out, res, err := cleanBytes(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(mp4test.Secrets, "SEI-CAMERA-SERIAL", "PhoneCam", "Core Media", "udta", "meta", "uuid", "mebx", "free") {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("the clean copy still holds %q", s)
		}
	}
	// Every coded slice and audio sample is there, byte for byte.
	for _, nals := range m.Video {
		for _, n := range nals {
			if n[0]&0x1F == 5 && !bytes.Contains(out, n) {
				t.Errorf("slice %x is missing", n)
			}
		}
	}
	for _, a := range m.Audio {
		if !bytes.Contains(out, a) {
			t.Errorf("audio sample %x is missing", a)
		}
	}
	f, err := mp4.Open(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tracks) != 2 || f.Tracks[0].Handler != "vide" || f.Tracks[1].Handler != "soun" {
		t.Fatalf("tracks: %+v", f.Tracks)
	}
	if r := f.Tracks[0].Rotation(); r != 90 {
		t.Errorf("rotation %d, want 90", r)
	}
	s, err := f.Tracks[0].Samples(int64(len(out)))
	if err != nil || s.Count != uint32(len(m.Video)) {
		t.Fatalf("video samples: %v %v", s, err)
	}
	for _, want := range []string{"timed-metadata track", "XMP packet", "user data (udta)", "metadata (meta)", "creation and modification dates", "SEI", "encoder name", "handler names", "free space"} {
		if !strings.Contains(strings.Join(res.Removed, "; "), want) {
			t.Errorf("Removed %q does not mention %q", res.Removed, want)
		}
	}
	if res.Video == nil || res.Video.Rotation != 90 || res.Bytes != int64(len(out)) || !res.Lossless {
		t.Errorf("result: %+v %+v", res, res.Video)
	}
	if err := verify.Video(context.Background(), bytes.NewReader(out), int64(len(out)), metadata.Options{}); err != nil {
		t.Errorf("verify: %v", err)
	}
}

func TestVideoLayouts(t *testing.T) {
	base := mp4test.Phone()
	cases := map[string]func(m *mp4test.Movie){
		"mp4":           func(m *mp4test.Movie) { m.QuickTime = false },
		"mdat first":    func(m *mp4test.Movie) { m.MdatFirst = true },
		"one per chunk": func(m *mp4test.Movie) { m.PerChunk = 1 },
		"three a chunk": func(m *mp4test.Movie) { m.PerChunk = 3 },
		"video only":    func(m *mp4test.Movie) { m.Audio, m.Meta = nil, nil },
		"no metadata":   func(m *mp4test.Movie) { *m = mp4test.Movie{Video: m.Video} },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			m := base
			edit(&m)
			out, _, err := cleanBytes(t, mp4test.Build(m))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("SEI-CAMERA")) || bytes.Contains(out, []byte("FACE-BOX")) {
				t.Error("dropped data survived")
			}
		})
	}
}

// TestVideoFragmentedThroughFFmpeg: a fragmented movie is refused by the
// rewrite, copied into a plain MP4 by FFmpeg, then cleaned and verified
// like any other; without FFmpeg it gets the refusal.
func TestVideoFragmentedThroughFFmpeg(t *testing.T) {
	frag := mp4test.Phone()
	frag.Fragmented = true
	out, res, err := cleanBytes(t, mp4test.Build(frag))
	if _, lerr := exec.LookPath("ffmpeg"); lerr != nil {
		if err == nil || !strings.Contains(err.Error(), "fragmented") {
			t.Fatalf("without FFmpeg: got %v, want the refusal", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Removed, ";"), "converted to MP4 by FFmpeg") {
		t.Errorf("Removed does not say the container was converted: %v", res.Removed)
	}
	for _, s := range append(mp4test.Secrets, "SEI-CAMERA-SERIAL", "PhoneCam", "Core Media", "Lavf") {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("the clean copy still holds %q", s)
		}
	}
}

func TestVideoRefusals(t *testing.T) {
	metaOnly := mp4test.Movie{Meta: [][]byte{[]byte("FACE-BOX 1"), []byte("FACE-BOX 2")}}
	ts := bytes.Repeat(append([]byte{0x47}, make([]byte, 187)...), 4)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"matroska":     {append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 60)...), "Matroska"},
		"avi":          {append([]byte("RIFF\x00\x10\x00\x00AVI LIST"), make([]byte, 60)...), "AVI"},
		"playlist":     {[]byte("#EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/passwd\n"), "playlist"},
		"mts":          {ts, "transport stream"},
		"empty":        {nil, "empty"},
		"text":         {[]byte("hello, this is not a video at all"), "not an MP4"},
		"no av tracks": {mp4test.Build(metaOnly), "no video or audio"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := cleanBytes(t, c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want a one-line error about %q", err, c.want)
			}
		})
	}
}

// TestVideoHostile cuts and corrupts a phone movie: every result is an
// error or a copy that verifies, never a panic or a partial file.
func TestVideoHostile(t *testing.T) {
	src := mp4test.Build(mp4test.Phone())
	for cut := 0; cut < len(src); cut += 1 + len(src)/97 {
		if _, _, err := cleanBytes(t, src[:cut]); err == nil {
			t.Errorf("a movie cut at %d of %d bytes was cleaned", cut, len(src))
		}
	}
	// Box sizes past the end.
	b := append([]byte(nil), src...)
	i := bytes.Index(b, []byte("moov"))
	b[i-4], b[i-3] = 0x7F, 0xFF
	if _, _, err := cleanBytes(t, b); err == nil || !errors.Is(err, mp4.ErrDamaged) {
		t.Errorf("moov past the end: %v", err)
	}
	// 2^32-1 samples.
	b = append([]byte(nil), src...)
	i = bytes.Index(b, []byte("stsz"))
	copy(b[i+12:], []byte{0xFF, 0xFF, 0xFF, 0xFF})
	if _, _, err := cleanBytes(t, b); err == nil {
		t.Error("a sample count of 2^32-1 was accepted")
	}
	// A NAL unit length past its sample.
	b = append([]byte(nil), src...)
	i = bytes.Index(b, []byte{0, 0, 0, 6, 0x65, 0x88})
	b[i+3] = 0xF0
	if _, _, err := cleanBytes(t, b); err == nil {
		t.Error("a NAL unit running past its sample was accepted")
	}
	// Nesting loop: boxes inside boxes far deeper than a movie needs.
	deep := mp4test.Box("free")
	for range 40 {
		deep = mp4test.Box("trak", deep)
	}
	m := mp4test.Phone()
	m.MoovExtra = [][]byte{deep}
	if _, _, err := cleanBytes(t, mp4test.Build(m)); err == nil {
		t.Error("boxes nested 40 deep were accepted")
	}
}

func TestVideoCancel(t *testing.T) {
	in := writeTemp(t, "in.mp4", mp4test.Build(mp4test.Phone()))
	out := filepath.Join(t.TempDir(), "out.mp4")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Video(ctx, in, out, metadata.Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a cancelled clean left an output")
	}
}

func TestVideoProgress(t *testing.T) {
	in := writeTemp(t, "in.mp4", mp4test.Build(mp4test.Phone()))
	out := filepath.Join(t.TempDir(), "out.mp4")
	var last, total int64
	calls := 0
	_, err := Video(context.Background(), in, out, metadata.Options{}, func(d, n int64) {
		if d < last || d > n {
			t.Errorf("progress %d of %d after %d", d, n, last)
		}
		last, total = d, n
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != total || total == 0 {
		t.Errorf("progress ended at %d of %d after %d calls", last, total, calls)
	}
}

// TestVideoExistingOutputKept: outfile's rules hold for videos too; an
// existing file and the input itself are never written over.
func TestVideoExistingOutputKept(t *testing.T) {
	in := writeTemp(t, "in.mp4", mp4test.Build(mp4test.Phone()))
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := os.WriteFile(out, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Video(context.Background(), in, out, metadata.Options{}, nil); err == nil {
		t.Fatal("an existing file was overwritten")
	}
	if b, _ := os.ReadFile(out); string(b) != "mine" {
		t.Error("the existing file changed")
	}
	if _, err := Video(context.Background(), in, in, metadata.Options{}, nil); err == nil {
		t.Fatal("the input was written over")
	}
}

// FuzzCleanVideo rewrites arbitrary movies in memory: every outcome is an
// error or a copy the verifier accepts.
func FuzzCleanVideo(f *testing.F) {
	f.Add(mp4test.Build(mp4test.Phone()))
	m := mp4test.Phone()
	m.MdatFirst, m.PerChunk, m.QuickTime = true, 3, false
	f.Add(mp4test.Build(m))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		if _, err := CleanVideoTo(context.Background(), bytes.NewReader(b), int64(len(b)), &out, nil); err != nil {
			return
		}
		if err := verify.Video(context.Background(), bytes.NewReader(out.Bytes()), int64(out.Len()), metadata.Options{}); err != nil {
			t.Fatalf("the cleaner wrote a copy the verifier refuses: %v", err)
		}
	})
}

func TestCleanHvcC(t *testing.T) {
	// Header (22 bytes, 4-byte lengths), then VPS, SEI (39) and SPS arrays.
	hdr := make([]byte, 22)
	hdr[21] = 3
	p := append(hdr, 3,
		32, 0, 1, 0, 3, 0x40, 0x01, 0xAA,
		39, 0, 1, 0, 4, 0x4E, 0x01, 'S', 'E',
		33, 0, 1, 0, 3, 0x42, 0x01, 0xBB)
	got, err := cleanHvcC(p)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte(nil), hdr...), 2, 32, 0, 1, 0, 3, 0x40, 0x01, 0xAA, 33, 0, 1, 0, 3, 0x42, 0x01, 0xBB)
	if !bytes.Equal(got, want) {
		t.Errorf("got %x\nwant %x", got, want)
	}
	if _, err := cleanHvcC(p[:len(p)-1]); err == nil {
		t.Error("a cut hvcC was accepted")
	}
}
