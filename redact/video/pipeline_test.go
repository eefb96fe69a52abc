package video

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/redact"
)

// gradient draws a frame no detector takes for a face: a diagonal
// gradient with a bright square moving left to right.
func gradient(size image.Point, n int) func(i int, img *image.NRGBA) {
	return func(i int, img *image.NRGBA) {
		for y := range size.Y {
			for x := range size.X {
				p := img.Pix[img.PixOffset(x, y):]
				p[0], p[1], p[2], p[3] = uint8(60+x*120/size.X), uint8(60+y*120/size.Y), 150, 255
			}
		}
		sq := image.Rect(0, 0, size.Y/4, size.Y/4).Add(image.Pt(i*(size.X-size.Y/4)/max(1, n-1), size.Y/3))
		for y := sq.Min.Y; y < sq.Max.Y; y++ {
			for x := sq.Min.X; x < sq.Max.X; x++ {
				p := img.Pix[img.PixOffset(x, y):]
				p[0], p[1], p[2] = 250, 250, 250
			}
		}
	}
}

// cheap skips the detector's costly passes, for tests about everything but
// finding faces.
var cheap = AnalyzeOptions{SmallEvery: -1, TurnedEvery: -1}

// wav writes a second of a 440 Hz-ish square wave as 16-bit mono PCM.
func wav(t testing.TB, dir string) string {
	t.Helper()
	const rate, n = 8000, 8000
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(rate))
	le(uint32(2 * rate))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		v := int16(6000)
		if (i/9)%2 == 0 {
			v = -6000
		}
		le(v)
	}
	p := filepath.Join(dir, "tone.wav")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWriteAreaVFRRotated redacts a hand-drawn area in a variable-frame-
// rate video stored sideways with identifying metadata and a sound track,
// and checks the output as a viewer sees it: upright, same size, every
// frame at its time, the area black in exactly its frames, no sound, no
// metadata, no temporary file left.
func TestWriteAreaVFRRotated(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	size := image.Pt(96, 160) // upright portrait
	times := []int64{0, 40, 80, 130, 150, 300, 320, 340, 500, 533, 566, 600, 700, 710, 720, 1000}
	src := clip{
		size: size, n: len(times), tb: ffmpeg.Rational{Num: 1, Den: 1000},
		pts: func(i int) int64 { return times[i] }, draw: gradient(size, len(times)), rotate: true,
		args: []string{"-map", "1:a", "-c:a", "aac", "-metadata", "title=Secret Meeting",
			"-metadata", "location=+51.5074-000.1278/", "-metadata", "creation_time=2026-01-02T03:04:05Z"},
		inputs: []ffmpeg.Input{{Path: wav(t, dir), Formats: []string{"wav"}}},
	}.make(t, ff, dir, "src.mp4")

	a, err := Analyze(context.Background(), ff, src, cheap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != size || len(a.Frames) != len(times) || a.Audio == nil {
		t.Fatalf("analysis: %v, %d frames, audio %v", a.Size, len(a.Frames), a.Audio != nil)
	}
	plan := NewPlan(a, redact.Solid, redact.Rect)
	area := image.Rect(10, 20, 60, 90)
	plan.Areas = []Area{{First: 3, Last: 9, Rect: area}}
	outPath := filepath.Join(dir, "out.mp4")
	var stages []string
	out, err := Write(context.Background(), ff, a, plan, outPath, RenderOptions{}, func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(outPath); err == nil {
		t.Fatal("output named before Save")
	}
	if len(out.Verification.Findings) != 0 {
		t.Errorf("findings in a video without faces: %+v", out.Verification.Findings)
	}
	if err := out.Save(); err != nil {
		t.Fatal(err)
	}
	if names := fileNames(t, dir); len(names) != 3 {
		t.Errorf("folder holds %v, want src.mp4, tone.wav and out.mp4 only", names)
	}
	if strings.Join(stages, ",") != "Redacting and encoding,Checking the result" {
		t.Errorf("progress stages %v", stages)
	}
	frames := decodeAll(t, ff, outPath)
	if len(frames) != len(times) {
		t.Fatalf("%d frames written, want %d", len(frames), len(times))
	}
	for i, f := range frames {
		if f.time != time.Duration(times[i])*time.Millisecond {
			t.Errorf("frame %d at %v, want %d ms", i, f.time, times[i])
		}
		if f.img.Rect.Size() != size {
			t.Fatalf("frame %d is %v, want upright %v", i, f.img.Rect.Size(), size)
		}
		c := f.img.NRGBAAt(35, 55)
		black := c.R < 30 && c.G < 30 && c.B < 30
		if in := i >= 3 && i <= 9; black != in {
			t.Errorf("frame %d: area centre %v, black %v, want %v", i, c, black, in)
		}
	}
	info, err := ff.Probe(context.Background(), outPath, ffmpeg.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := info.Video()
	if len(info.Streams) != 1 || v.Rotation != 0 {
		t.Errorf("output streams %+v", info.Streams)
	}
	if d := info.Duration - a.Duration; d < -a.FrameDuration(len(times)-1) || d > a.FrameDuration(len(times)-1) {
		t.Errorf("duration %v, source %v", info.Duration, a.Duration)
	}
	data, _ := os.ReadFile(outPath)
	for _, leak := range []string{"Secret", "51.5074", "2026", "x264", "Lavf", "Lavc", "Handler", "H.264"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("output contains %q", leak)
		}
	}
	if _, err := VerifyContainer(mustOpen(t, outPath)); err != nil {
		t.Errorf("container: %v", err)
	}
}

func mustOpen(t testing.TB, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// soundClip makes a 64×48 MP4 of 20 frames with a second of sound.
func soundClip(t *testing.T, ff *ffmpeg.Runner, dir string) string {
	size := image.Pt(64, 48)
	return clip{size: size, n: 20, draw: gradient(size, 20),
		args:   []string{"-map", "1:a", "-c:a", "aac"},
		inputs: []ffmpeg.Input{{Path: wav(t, dir), Formats: []string{"wav"}}},
	}.make(t, ff, dir, "src.mp4")
}

// TestWriteKeepAudio keeps the sound track only when asked.
func TestWriteKeepAudio(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	src := soundClip(t, ff, dir)
	a, err := Analyze(context.Background(), ff, src, cheap, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := NewPlan(a, redact.Pixelate, redact.Ellipse)
	plan.Areas = []Area{{First: 0, Last: 19, Rect: image.Rect(8, 8, 40, 40)}}
	out, err := Write(context.Background(), ff, a, plan, filepath.Join(dir, "out.mov"), RenderOptions{KeepAudio: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Discard()
	if !out.Rendered.Audio || out.Verification.Regions != 20 {
		t.Errorf("rendered %+v, verified %+v", out.Rendered, out.Verification)
	}
	if err := out.Save(); err != nil {
		t.Fatal(err)
	}
	info, err := ff.Probe(context.Background(), filepath.Join(dir, "out.mov"), ffmpeg.ProbeOptions{})
	if err != nil || len(info.Streams) != 2 || info.Streams[1].Type != "audio" {
		t.Fatalf("streams %+v, %v", info, err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out.mov"))
	for _, leak := range []string{"Lavf", "Lavc", "Handler", "H.264"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("output contains %q", leak)
		}
	}
}

// TestWriteCancelLeavesNothing cancels an encode: no output, no temporary
// file.
func TestWriteCancelLeavesNothing(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	size := image.Pt(320, 240)
	src := clip{size: size, n: 60, draw: gradient(size, 60)}.make(t, ff, dir, "src.mp4")
	a, err := Analyze(context.Background(), ff, src, cheap, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := NewPlan(a, redact.Solid, redact.Rect)
	plan.Areas = []Area{{First: 0, Last: 59, Rect: image.Rect(0, 0, 50, 50)}}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Write(ctx, ff, a, plan, filepath.Join(dir, "out.mp4"), RenderOptions{}, func(p Progress) {
		if p.Done >= 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if names := fileNames(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v after a cancel", names)
	}
}

// TestAnalyzeRefusesOtherContainers: FFmpeg may read a transport stream
// or an AVI file (to preview and hash it), but redaction refuses them at
// once, in one line that says what the file is and what to do, before any
// decoding.
func TestAnalyzeRefusesOtherContainers(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	ts := make([]byte, 4*188)
	for i := 0; i < len(ts); i += 188 {
		ts[i] = 0x47
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"holiday.avi": {append([]byte("RIFF\x00\x00\x00\x00AVI LIST"), make([]byte, 60)...), "AVI"},
		"clip.mts":    {ts, "transport stream"},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Analyze(context.Background(), ff, p, cheap, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "save a clean copy first") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestWriteMatroskaVideoAfterSound redacts a Matroska file whose video
// starts 0.2 s after its sound: with the sound, the copy keeps that
// offset; without it, the video starts at zero. Every frame is checked at
// its time either way.
func TestWriteMatroskaVideoAfterSound(t *testing.T) {
	ff := runner(t)
	dir := t.TempDir()
	src := soundClip(t, ff, dir)
	mkv := filepath.Join(dir, "late.mkv")
	if b, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-i", src, "-itsoffset", "0.2", "-i", src,
		"-map", "1:v", "-map", "0:a", "-c", "copy", mkv).CombinedOutput(); err != nil {
		t.Fatalf("making the Matroska file: %v: %s", err, b)
	}
	a, err := Analyze(context.Background(), ff, mkv, cheap, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames[0].Time < 150*time.Millisecond {
		t.Fatalf("the video starts at %v, not after its sound", a.Frames[0].Time)
	}
	for _, keep := range []bool{false, true} {
		plan := NewPlan(a, redact.Solid, redact.Rect)
		plan.Areas = []Area{{First: 0, Last: 19, Rect: image.Rect(8, 8, 40, 40)}}
		name := filepath.Join(dir, fmt.Sprintf("out-%v.mp4", keep))
		out, err := Write(context.Background(), ff, a, plan, name, RenderOptions{KeepAudio: keep}, nil)
		if err != nil {
			t.Fatalf("keep sound %v: %v", keep, err)
		}
		if err := out.Save(); err != nil {
			t.Fatal(err)
		}
		if out.Verification.Frames != 20 || out.Rendered.Audio != keep {
			t.Errorf("keep sound %v: rendered %+v, verified %+v", keep, out.Rendered, out.Verification)
		}
		frames := decodeAll(t, ff, name)
		want := time.Duration(0)
		if keep {
			want = a.Frames[0].Time
		}
		if len(frames) != 20 || absDur(frames[0].time-want) > 2*time.Millisecond {
			t.Errorf("keep sound %v: %d frames, the first at %v, want %v", keep, len(frames), frames[0].time, want)
		}
	}
}
