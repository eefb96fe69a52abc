package ffmpeg

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseLogLine(t *testing.T) {
	for in, want := range map[string]logLine{
		"[h264 @ 0x5652] [IMGUTILS @ 0x7ffc] [error] Picture size 1x1 exceeds": {"h264", "error", "Picture size 1x1 exceeds"},
		"[graph 0 input from stream 0:0 @ 0x55] [verbose] w:320 h:240\n":       {"graph 0 input from stream 0:0", "verbose", "w:320 h:240"},
		"[info] Stream mapping:":                  {"", "info", "Stream mapping:"},
		"plain text":                              {"", "", "plain text"},
		"[not a context] [error] x":               {"", "", "[not a context] [error] x"},
		"[showinfo@veil @ 0x1] [info] n:   0 s:1": {"showinfo@veil", "info", "n:   0 s:1"},
	} {
		if got := parseLogLine(in); got != want {
			t.Errorf("parseLogLine(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// TestExplain turns FFmpeg's messages into one plain line of the right
// kind, preferring the most telling message.
func TestExplain(t *testing.T) {
	cases := []struct {
		lines []string
		kind  error
		says  string
	}{
		{[]string{"[hls @ 0x1] [error] Format not on whitelist 'mov,mp4'", "[error] file:/x/evil.mp4: Invalid argument"}, ErrRefused, "HLS playlist"},
		{[]string{"[file @ 0x1] [error] Protocol 'file' not on whitelist 'pipe'!"}, ErrRefused, "other files"},
		{[]string{"[mov,mp4 @ 0x1] [error] moov atom not found", "[error] file:/a b/c.mp4: Invalid data found when processing input"}, ErrDamaged, "moov"},
		{[]string{"[h264 @ 0x1] [IMGUTILS @ 0x2] [error] Picture size 9000x9000 exceeds specified max pixel count 100"}, ErrTooLarge, "9000×9000"},
		{[]string{"[warning] corrupt input packet in stream 0", "[fatal] file:/x.mp4: corrupt input packet in stream 0"}, ErrDamaged, "truncated"},
		{[]string{"[error] Stream map '0:V:0' matches no streams."}, ErrNoVideo, "no video"},
		{[]string{"[error] file:/home/ana/secret.mp4: something new\r\x07"}, ErrDamaged, "FFmpeg: something new"},
	}
	for _, c := range cases {
		var ls []logLine
		for _, l := range c.lines {
			ls = append(ls, parseLogLine(l))
		}
		reason, kind := explain(ls)
		if !errors.Is(kind, c.kind) || !strings.Contains(reason, c.says) || strings.Contains(reason, "ana") || strings.ContainsAny(reason, "\r\n\x07") {
			t.Errorf("%q: %q (%v), want %v saying %q", c.lines, reason, kind, c.kind, c.says)
		}
	}
}

// TestLogSinkBounded keeps a bounded number of lines from endless output,
// the first and the last.
func TestLogSinkBounded(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := newLogSink(r, nil)
	w.WriteString("[error] first\n")
	for range 10000 {
		w.WriteString("[warning] " + strings.Repeat("x", 100) + "\n")
	}
	w.WriteString("[error] " + strings.Repeat("y", 100000) + "\n[error] last\n")
	w.Close()
	<-s.finished
	lines := s.lines()
	if len(lines) != keptLines || lines[0].msg != "first" || lines[len(lines)-1].msg != "last" || len(lines[len(lines)-2].msg) > keptLineLen {
		t.Errorf("%d lines kept, first %q, last %q", len(lines), lines[0].msg, lines[len(lines)-1].msg)
	}
}

// BenchmarkFrames decodes a 640x480 video to RGB24 through FFmpeg's two
// pixel paths (frames/s is the figure; b.N runs decode 30 frames each).
func BenchmarkFrames(b *testing.B) {
	ff := runner(b)
	src := generate(b, "bench.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x480:r=30:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	for _, c := range []struct {
		name   string
		plainC bool
	}{{"SIMD", false}, {"plainC", true}} {
		b.Run(c.name, func(b *testing.B) {
			frames := 0
			for b.Loop() {
				ff.Frames(context.Background(), src, FrameOptions{PlainC: c.plainC}, func(*Frame) error { frames++; return nil })
			}
			b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
