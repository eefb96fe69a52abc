package inspect

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// TestInspectThroughFFmpeg: a Matroska file's tags (place, date, title,
// encoder) and the encoder text in its video stream, and a fragmented
// movie, are read through FFmpeg; a Matroska file FFmpeg cannot read keeps
// its one-line refusal, saying why.
func TestInspectThroughFFmpeg(t *testing.T) {
	testenv.NeedFFmpeg(t)
	dir := t.TempDir()
	mkv := filepath.Join(dir, "holiday.mkv")
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=1",
		"-c:v", "libx264", "-preset", "veryfast", "-metadata", "title=Our holiday", "-metadata", "location=+51.5074-000.1278/",
		"-metadata", "creation_time=2024-05-01T10:00:00Z", "-metadata", "artist=Jane Doe", mkv)
	if b, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(b), "Unknown encoder") {
			t.Skip("this FFmpeg has no H.264 encoder: test skipped")
		}
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	r, err := Video(context.Background(), mkv)
	if err != nil {
		t.Fatal(err)
	}
	if r.Video.Container != metadata.MKV || r.Width != 96 || r.Height != 64 {
		t.Errorf("got %+v %dx%d", r.Video, r.Width, r.Height)
	}
	for _, w := range []struct {
		c metadata.Category
		s string
	}{{metadata.Location, "+51.5074-000.1278"}, {metadata.Time, "2024-05-01"}, {metadata.People, "Jane Doe"},
		{metadata.Other, "Our holiday"}, {metadata.Software, "x264"}} {
		if !has(r, w.c, w.s) {
			t.Errorf("no %s finding mentioning %q: %+v", w.c, w.s, r.Findings)
		}
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Value, "Handler") {
			t.Errorf("a finding about FFmpeg's copy, not the file: %+v", f)
		}
	}

	frag := mp4test.Phone()
	frag.Fragmented = true
	fp := filepath.Join(dir, "frag.mp4")
	if err := os.WriteFile(fp, mp4test.Build(frag), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := Video(context.Background(), fp); err != nil || r.Video.Container != metadata.MP4 {
		t.Errorf("fragmented movie: %v, %+v", err, r)
	}

	bad := filepath.Join(dir, "broken.mkv")
	if err := os.WriteFile(bad, append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 40)...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Video(context.Background(), bad)
	if !errors.Is(err, ErrVideoUnsupported) || !strings.Contains(err.Error(), "Matroska") || !strings.Contains(err.Error(), "FFmpeg failed") || strings.Contains(err.Error(), "\n") {
		t.Errorf("broken Matroska: got %v, want one line naming it and FFmpeg's failure", err)
	}
}

// TestInspectOtherContainerWithoutFFmpeg: without FFmpeg the refusal says
// what the file is and that FFmpeg would read it.
func TestInspectOtherContainerWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := ffmpeg.New(); !errors.Is(err, ffmpeg.ErrNotInstalled) {
		t.Skip("FFmpeg is still found: test skipped")
	}
	p := filepath.Join(t.TempDir(), "clip.mts")
	ts := make([]byte, 4*188)
	for i := 0; i < len(ts); i += 188 {
		ts[i] = 0x47
	}
	if err := os.WriteFile(p, ts, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Video(context.Background(), p)
	if !errors.Is(err, ErrVideoUnsupported) || !strings.Contains(err.Error(), "transport stream") || !strings.Contains(err.Error(), "with FFmpeg installed") {
		t.Errorf("got %v", err)
	}
}
