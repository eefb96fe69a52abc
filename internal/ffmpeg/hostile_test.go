package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHostileInputs gives FFmpeg files built to mislead it: each gets one
// line naming the problem, of the right kind, and no hang (a hang would
// time the test out).
func TestHostileInputs(t *testing.T) {
	ff := runner(t)
	noise := generate(t, "noise.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2", "-vf", "noise=alls=60:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
	good, err := os.ReadFile(noise)
	if err != nil {
		t.Fatal(err)
	}
	tail := generate(t, "moov-last.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=1", "-c:v", "libx264", "-preset", "ultrafast")
	tailBytes, _ := os.ReadFile(tail)
	png := generate(t, "png.mov", "-f", "lavfi", "-i", "color=c=red:s=8x8:r=5:d=0.4", "-c:v", "png", "-pix_fmt", "rgb24")
	pngBytes, _ := os.ReadFile(png)
	// The PNG header inside each sample claims 10000x10000 pixels (100 Mpx).
	huge := patchAll(pngBytes, []byte("IHDR\x00\x00\x00\x08\x00\x00\x00\x08"), []byte("IHDR\x00\x00\x27\x10\x00\x00\x27\x10"))
	if bytes.Equal(huge, pngBytes) {
		t.Fatal("no PNG header to patch")
	}
	cases := []struct {
		name, file string
		data       []byte
		kind       error
		says       string
	}{
		{"HLS playlist named .mp4", "evil.mp4", []byte("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/hostname\n#EXT-X-ENDLIST\n"), ErrRefused, "HLS playlist"},
		{"concat list named .mov", "list.mov", []byte("ffconcat version 1.0\nfile /etc/passwd\n"), ErrRefused, "not an MP4"},
		{"garbage", "garbage.mp4", bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef, 0x17}, 2000), ErrDamaged, ""},
		{"empty", "empty.mp4", nil, ErrDamaged, ""},
		{"truncated, index first", "cut.mp4", good[:len(good)/2], ErrDamaged, "truncated"},
		{"truncated, index last", "cut2.mp4", tailBytes[:len(tailBytes)/2], ErrDamaged, "moov"},
		{"huge claimed picture", "huge.mov", huge, ErrTooLarge, "10000×10000"},
		{"box size past the end", "size.mp4", append(append([]byte{}, good[:8]...), []byte("\xff\xff\xff\xffmoov")...), ErrDamaged, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, c.file, c.data)
			_, err := collect(t, ff, p, FrameOptions{})
			oneLine(t, err)
			if !errors.Is(err, c.kind) {
				t.Errorf("Frames: %v, want %v", err, c.kind)
			}
			if c.says != "" && !strings.Contains(err.Error(), c.says) {
				t.Errorf("Frames: %q does not say %q", err, c.says)
			}
			if _, perr := ff.Probe(context.Background(), p, ProbeOptions{}); perr != nil {
				oneLine(t, perr)
			}
		})
	}
	noChildren(t)
}

// TestNamesAreNotProtocols opens files whose names FFmpeg would otherwise
// read as a protocol or an option.
func TestNamesAreNotProtocols(t *testing.T) {
	ff := runner(t)
	b, err := os.ReadFile(testsrc(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"http:clip.mp4", "concat:a|b.mp4", "-y.mp4", "pipe:0"} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
		info, err := ff.Probe(context.Background(), name, ProbeOptions{})
		if err != nil || len(info.Streams) != 2 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// noChildren fails if an ffmpeg or ffprobe started by this test process is
// still running.
func noChildren(t testing.TB) {
	t.Helper()
	me := strconv.Itoa(os.Getpid())
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		comm, rest := s[open+1:close], strings.Fields(s[close+1:])
		if len(rest) > 1 && rest[1] == me && (comm == "ffmpeg" || comm == "ffprobe") && rest[0] != "Z" {
			t.Errorf("%s (pid %s) still running", comm, filepath.Base(filepath.Dir(p)))
		}
	}
}
