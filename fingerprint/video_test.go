package fingerprint

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

// TestVideoMagic recognises video containers by their first bytes, and
// by name when the bytes say nothing; a TypeScript file named .ts is not a
// video.
func TestVideoMagic(t *testing.T) {
	ts := func(size, offset int) []byte {
		b := make([]byte, 6*size)
		for i := offset; i < len(b); i += size {
			b[i] = 0x47
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		head  []byte
		video bool
	}{
		{"a.bin", []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"), true},
		{"a.bin", []byte("\x00\x00\x01\x00moov"), true},
		{"a.bin", append([]byte{0x1A, 0x45, 0xDF, 0xA3}, make([]byte, 20)...), true},
		{"a.bin", []byte("RIFF\x00\x00\x00\x00AVI LIST"), true},
		{"a.bin", []byte("FLV\x01\x05\x00\x00\x00\x09"), true},
		{"a.bin", []byte{0, 0, 1, 0xBA, 0x44, 0, 4, 0}, true},
		{"a.bin", append(append([]byte{}, mxfHeader...), 0x0D, 0x01), true},
		{"a.bin", ts(188, 0), true},
		{"a.bin", ts(192, 4), true},
		{"a.bin", ts(188, 0)[:400], false}, // too few packets to tell
		{"clip.MTS", []byte("anything"), true},
		{"clip.mov", []byte("\x00\x00\x00\x08wide"), true},
		{"app.ts", []byte("import { x } from './y';\nexport const z = 1;\n"), false},
		{"notes.txt", []byte("hello"), false},
	} {
		if got := isVideo(tc.head, tc.name); got != tc.video {
			t.Errorf("%s %q: video %v, want %v", tc.name, tc.head[:min(12, len(tc.head))], got, tc.video)
		}
	}
}

// TestIsVideo: a picture Veil reads is a picture whatever its name; a
// video is recognised by its bytes or, failing that, its name.
func TestIsVideo(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0}
	heic := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	for _, tc := range []struct {
		name  string
		head  []byte
		video bool
	}{
		{"clip.mp4", jpeg, false},
		{"IMG_0001.HEIC", heic, false},
		{"clip.mov", heic, false}, // the bytes say HEIF: a photo
		{"a.bin", []byte("\x00\x00\x00\x18ftypqt  \x00\x00\x00\x00"), true},
		{"clip.MOV", []byte("\x00\x00\x00\x08wide"), true},
		{"old.dat", []byte("\x00\x00\x00\x08wide\x00\x10\x00\x00mdat"), true}, // an old QuickTime file, by its first box
		{"clip.bin", []byte("\x00\x00\x00\x10free\x00\x00\x00\x00"), true},
		{"recording.ts", bytes.Repeat(append([]byte{0x47}, make([]byte, 187)...), 5), true}, // MPEG-TS packets
		{"types.ts", []byte("export const x = 1;"), false},                                  // TypeScript, not a video
		{"notes.txt", []byte("hello"), false},
	} {
		if got := IsVideo(tc.head, tc.name); got != tc.video {
			t.Errorf("%s: IsVideo %v, want %v", tc.name, got, tc.video)
		}
	}
}

// TestVideoHashFile hashes a video with its label, reports reading
// progress, and adds vPDQ on request.
func TestVideoHashFile(t *testing.T) {
	dir := t.TempDir()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	b := append(head, bytes.Repeat([]byte("veil"), 3<<20)...)
	p := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var last Progress
	calls := 0
	r := HashFile(p, Options{Progress: func(pr Progress) {
		mu.Lock()
		defer mu.Unlock()
		last = pr
		calls++
	}})
	m, s := digests(b)
	if r.Kind != KindVideo || r.Label != VideoLabel || r.MD5 != m || r.SHA256 != s || !r.OK() || r.VPDQ != nil {
		t.Errorf("video: %+v", r)
	}
	if calls < 2 || last.Step != StepReading || last.Done != int64(len(b)) || last.Total != int64(len(b)) || last.File != p {
		t.Errorf("%d progress calls, last %+v", calls, last)
	}
	// Not a real video: vPDQ fails, the digests stay.
	r = HashFile(p, Options{VideoPDQ: &VideoPDQOptions{SecondsPerHash: 1}})
	if r.MD5 != m || r.OK() || !strings.HasPrefix(r.Error, "no vPDQ hash: ") || strings.Contains(r.Error, "\n") {
		t.Errorf("fake video with vPDQ: %+v", r)
	}
	if verdict(r) != "video: MD5 and SHA-256" {
		t.Errorf("verdict %q", verdict(r))
	}
}

// TestVideoPDQ hashes a generated video through FFmpeg.
func TestVideoPDQ(t *testing.T) {
	testenv.NeedFFmpeg(t)
	p := filepath.Join(t.TempDir(), "clip.mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=128x96:r=25:d=3",
		"-c:v", "libx264", "-preset", "ultrafast", p).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var steps []string
	var mu sync.Mutex
	r := hashFile(context.Background(), p, Options{VideoPDQ: &VideoPDQOptions{SecondsPerHash: 1}, Progress: func(pr Progress) {
		mu.Lock()
		steps = append(steps, pr.Step)
		mu.Unlock()
	}})
	if !r.OK() || r.VPDQ == nil || len(r.VPDQ.Frames) != 3 || r.VPDQ.FrameRate != 25 || r.VPDQ.Usable == 0 || !strings.HasSuffix(r.VPDQ.Frames[2], ",2.000") {
		t.Fatalf("%+v %+v", r, r.VPDQ)
	}
	if verdict(r) != "video: MD5, SHA-256 and vPDQ" || !strings.Contains(r.VPDQ.Summary(), "3 frame hashes, one a second") {
		t.Errorf("verdict %q, summary %q", verdict(r), r.VPDQ.Summary())
	}
	if !slices.Contains(steps, StepReading) || !slices.Contains(steps, StepVideoPDQ) {
		t.Errorf("progress steps %v", steps)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := hashFile(ctx, p, Options{VideoPDQ: &VideoPDQOptions{}}); r.Error != "cancelled" {
		t.Errorf("cancelled: %+v", r)
	}
	// Without FFmpeg the digests are still given, and the reason is plain.
	t.Setenv("PATH", t.TempDir())
	if r := HashFile(p, Options{VideoPDQ: &VideoPDQOptions{}}); r.MD5 == "" || !strings.Contains(r.Error, "needs FFmpeg") {
		t.Errorf("without FFmpeg: %+v", r)
	}
}

// endless reads as many (unwritten) bytes as asked, for n bytes in all.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), e.n))
	e.n -= int64(k)
	return k, nil
}

// BenchmarkStreamDigests is the MD5 + SHA-256 throughput of a long video
// (256 MiB a run; reading costs nothing here).
func BenchmarkStreamDigests(b *testing.B) {
	const size = 256 << 20
	b.SetBytes(size)
	for b.Loop() {
		var r Result
		if err := streamDigests(context.Background(), &endless{size}, &r, nil); err != nil || r.Size != size {
			b.Fatal(err, r.Size)
		}
	}
}
