package video

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/redact"
)

// stage measures one stage of a redaction: wall time, Veil's CPU time and
// its FFmpeg children's.
type stage struct {
	wall, self, kids time.Duration
}

func measure(fn func() error) (stage, error) {
	s0, k0 := cpuTimes()
	t0 := time.Now()
	err := fn()
	s1, k1 := cpuTimes()
	return stage{time.Since(t0), s1 - s0, k1 - k0}, err
}

func (s stage) report(b *testing.B, name string) {
	b.ReportMetric(s.wall.Seconds(), name+"-s")
	b.ReportMetric((s.self + s.kids).Seconds(), name+"-cpu-s")
}

// BenchmarkRedactVideo redacts the video named by VEIL_BENCH_VIDEO (a
// 60 s 1080p30 phone clip from scripts/measure-video-redact.sh) with the
// defaults and reports each stage: finding faces (decode at 1280 px and
// the detector), tracking, burning and encoding (decode at full size,
// burn, libx264 veryfast), part 1's lossless clean, and the check (decode the output, pixel checks,
// the detector again). Wall and CPU seconds per stage (CPU includes
// FFmpeg's).
func BenchmarkRedactVideo(b *testing.B) {
	src := os.Getenv("VEIL_BENCH_VIDEO")
	if src == "" {
		b.Skip("set VEIL_BENCH_VIDEO to a video (scripts/measure-video-redact.sh makes one)")
	}
	ff := runner(b)
	for b.Loop() {
		var a *Analysis
		analyze, err := measure(func() (err error) {
			a, err = Analyze(context.Background(), ff, src, AnalyzeOptions{}, nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		track, _ := measure(func() error {
			for range 10 {
				a.Tracks = Follow(a.Faces, a.trackOptions())
			}
			return nil
		})
		track.wall /= 10
		track.self /= 10
		plan := NewPlan(a, redact.Solid, redact.Rect)
		out, err := os.CreateTemp(b.TempDir(), "out")
		if err != nil {
			b.Fatal(err)
		}
		var r *Rendered
		render, err := measure(func() (err error) {
			r, err = Render(context.Background(), ff, a, plan, out, RenderOptions{Format: "mp4"}, nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		// Part 1's cleaner, as Write runs it, then the check on its copy.
		cleaned, err := os.CreateTemp(b.TempDir(), "clean")
		if err != nil {
			b.Fatal(err)
		}
		cln, err := measure(func() error {
			st, err := out.Stat()
			if err != nil {
				return err
			}
			_, err = clean.CleanVideoTo(context.Background(), out, st.Size(), cleaned, nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		var v *Verification
		check, err := measure(func() (err error) {
			v, err = Verify(context.Background(), ff, a, plan, cleaned, false, nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		out.Close()
		cleaned.Close()
		analyze.report(b, "faces")
		b.ReportMetric(track.wall.Seconds()*1000, "track-ms")
		render.report(b, "encode")
		cln.report(b, "clean")
		check.report(b, "check")
		b.ReportMetric(float64(len(a.Frames)), "frames")
		b.ReportMetric(float64(len(a.Tracks)), "tracks")
		b.ReportMetric(float64(r.Redacted), "redacted-frames")
		b.ReportMetric(float64(len(v.Findings)), "findings")
		b.Logf("%s: %d frames %dx%d, %d tracks; faces %v (cpu %v + ffmpeg %v), tracking %v, burn+encode %v (cpu %v + ffmpeg %v), clean %v, check %v (cpu %v + ffmpeg %v); %d findings",
			filepath.Base(src), len(a.Frames), a.Size.X, a.Size.Y, len(a.Tracks),
			analyze.wall.Round(time.Second), analyze.self.Round(time.Second), analyze.kids.Round(time.Second),
			track.wall.Round(time.Microsecond),
			render.wall.Round(time.Second), render.self.Round(time.Second), render.kids.Round(time.Second),
			cln.wall.Round(time.Millisecond),
			check.wall.Round(time.Second), check.self.Round(time.Second), check.kids.Round(time.Second), len(v.Findings))
	}
}

// BenchmarkFollow tracks a minute of 30 fps with six faces moving about,
// each missed one frame in seven.
func BenchmarkFollow(b *testing.B) {
	const n = 1800
	var paths [][]image.Rectangle
	var miss []map[int]bool
	for k := range 6 {
		paths = append(paths, path(n, 100+150*k, 200+40*(k%3), 0, 60))
		m := map[int]bool{}
		for f := k; f < n; f += 7 {
			m[f] = true
		}
		miss = append(miss, m)
	}
	fr := frames(paths, miss)
	opt := DefaultTrackOptions(30)
	for b.Loop() {
		Follow(fr, opt)
	}
}
