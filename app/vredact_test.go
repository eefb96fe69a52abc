package app

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/redact/video"
)

// fakeVideoFace is where the fake detector "finds" a face in every frame.
var fakeVideoFace = image.Rect(20, 20, 60, 70)

// makeTestVideo writes a small H.264 clip (lavfi's test pattern) of n
// frames at 10 fps.
func makeTestVideo(t *testing.T, dir, name, size string, n int) string {
	t.Helper()
	testenv.NeedFFmpeg(t)
	p := filepath.Join(dir, name)
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s="+size+":r=10",
		"-frames:v", strconv.Itoa(n), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", p).CombinedOutput()
	if err != nil {
		t.Fatalf("making %s: %v\n%s", name, err, out)
	}
	return p
}

// withFakeVideoFaces makes the panel's analysis find one face in every
// frame at fakeVideoFace (the frames are read for real), so the workflow
// is quick and the same every time.
func withFakeVideoFaces(tu *testUI) {
	tu.vredact.eng.analyze = func(ctx context.Context, ff *ffmpeg.Runner, path string, opt video.AnalyzeOptions, progress func(video.Progress)) (*video.Analysis, error) {
		opt.NoFaces = true
		a, err := video.Analyze(ctx, ff, path, opt, progress)
		if err != nil {
			return nil, err
		}
		for i := range a.Faces {
			a.Faces[i] = []video.Detection{{Box: fakeVideoFace, Cover: fakeVideoFace.Inset(-8), Score: 0.9}}
		}
		a.Tracks = video.Follow(a.Faces, video.DefaultTrackOptions(a.FPS()))
		return a, nil
	}
}

// TestVideoRedactWorkflow opens a video, leaves the face visible and covers
// it again, adds an area by dragging on the frame, shows the result, and
// saves: the copy is named only after its check, and the status says what
// was checked.
func TestVideoRedactWorkflow(t *testing.T) {
	tu, p, _ := openFakeClip(t, "160x120", 12)
	if tu.tabs.Selected() != tu.vredactTab || p.a == nil || len(p.plan.Tracks) != 1 || len(p.a.Frames) != 12 {
		t.Fatalf("after opening: tab %v, analysis %v", tu.tabs.Selected().Text, p.a != nil)
	}
	if !strings.Contains(p.status.Text, "1 face followed") {
		t.Errorf("status %q", p.status.Text)
	}
	// Leave the face visible, then cover it again, through its row.
	tu.onUI(func() {
		row := p.newTrackRow()
		p.updateTrackRow(0, row)
		row.(*keyCheck).SetChecked(false)
		if !p.plan.Keep[p.plan.Tracks[0].ID] {
			t.Error("unticking the face did not keep it visible")
		}
		row.(*keyCheck).SetChecked(true)
	})
	if p.plan.Keep[p.plan.Tracks[0].ID] {
		t.Fatal("ticking the face again did not cover it")
	}
	// Draw an area on frame 4.
	tu.onUI(func() {
		p.seek(4)
		p.drawn(image.Rect(90, 60, 140, 100))
		p.showResult.SetChecked(true)
	})
	tu.wait()
	if len(p.plan.Areas) != 1 || p.plan.Areas[0].First != 4 || p.plan.Areas[0].Last != 11 {
		t.Fatalf("areas %+v", p.plan.Areas)
	}
	tu.onUI(func() { p.save() })
	tu.wait()
	saved, _ := filepath.Glob(filepath.Join(tu.saveTo, "video-*.mp4"))
	if len(saved) != 1 {
		t.Fatalf("saved %v; status %q", saved, p.status.Text)
	}
	if !strings.Contains(p.status.Text, "all 12 frames") || !strings.Contains(p.status.Text, "no face found outside") {
		t.Errorf("status %q", p.status.Text)
	}
	if names := listNames(t, tu.saveTo); len(names) != 1 {
		t.Errorf("the save folder holds %v", names)
	}
	// The saved frames as a viewer decodes them: the face covered in every
	// frame, the area from frame 4 on and not before.
	for i, img := range decodeFrames(t, saved[0]) {
		if d := darkShare(img, fakeVideoFace.Inset(3)); d < 0.99 {
			t.Errorf("frame %d: the face is %.0f%% covered", i, 100*d)
		}
		area := darkShare(img, image.Rect(90, 60, 140, 100).Inset(3))
		if i >= 4 && area < 0.99 || i < 4 && area > 0.5 {
			t.Errorf("frame %d: the area is %.0f%% dark", i, 100*area)
		}
	}
}

// TestVideoAreaTimesAndFollow draws an area, moves its start and end to
// other moments, makes it follow what it covers, and shows the result.
func TestVideoAreaTimesAndFollow(t *testing.T) {
	tu, p, _ := openFakeClip(t, "160x120", 12)
	r := image.Rect(100, 30, 140, 70)
	tu.onUI(func() {
		p.seek(4)
		p.drawn(r)
		p.seek(2)
		p.startHere.OnTapped()
		p.seek(8)
		p.endHere.OnTapped()
	})
	tu.wait()
	if ar := p.plan.Areas[0]; ar.First != 2 || ar.Last != 8 || ar.Rect != r || ar.Boxes != nil {
		t.Fatalf("after Starts here at 2 and Ends here at 8: %+v", ar)
	}
	if tu.listTabsSelected() != p.areasTab {
		t.Error("the Areas tab is not shown for the new area")
	}
	tu.onUI(func() { p.follow.SetChecked(true) })
	tu.wait()
	ar := p.plan.Areas[0]
	if len(ar.Boxes) != 7 {
		t.Fatalf("following: %d boxes for frames 2..8", len(ar.Boxes))
	}
	// testsrc's picture does not move under a still area: the tracker
	// must keep it where it was drawn, give or take a few pixels.
	for k, b := range ar.Boxes {
		if d := b.Min.Sub(r.Min); max(d.X, -d.X, d.Y, -d.Y) > 6 || b.Size() != r.Size() {
			t.Errorf("frame %d: followed to %v, drawn at %v", 2+k, b, r)
		}
	}
	row := widget.NewLabel("")
	p.updateAreaRow(0, row)
	if !strings.Contains(row.Text, "follows") {
		t.Errorf("area row %q", row.Text)
	}
	// The preview of frame 5 shows the area covered.
	tu.onUI(func() {
		p.showResult.SetChecked(true)
		p.seek(5)
	})
	tu.wait()
	tu.onUI(func() {
		img, ok := p.preview().(*image.NRGBA)
		if !ok || p.frameFor != 5 {
			t.Fatalf("no preview of frame 5 (frame %d shown)", p.frameFor)
		}
		b, _ := p.plan.Areas[0].At(5)
		if d := darkShare(img, scaleRect(b, p.a.Size, img.Rect.Size()).Inset(2)); d < 0.99 {
			t.Errorf("the preview shows the area %.0f%% covered", 100*d)
		}
	})
	// Unticking Follows makes it fixed again, where it started.
	tu.onUI(func() { p.follow.SetChecked(false) })
	if ar := p.plan.Areas[0]; ar.Boxes != nil || ar.Rect.Size() != r.Size() {
		t.Errorf("after unticking Follows: %+v", ar)
	}
}

// listTabsSelected is the redaction panel's shown list tab.
func (tu *testUI) listTabsSelected() *container.TabItem { return tu.vredact.listTabs.Selected() }

// decodeFrames decodes every frame of a video, upright, as RGBA.
func decodeFrames(t *testing.T, path string) []*image.NRGBA {
	t.Helper()
	ff, err := ffmpeg.New()
	if err != nil {
		t.Fatal(err)
	}
	var out []*image.NRGBA
	err = ff.Frames(context.Background(), path, ffmpeg.FrameOptions{Pixels: ffmpeg.RGBA, AutoRotate: true}, func(f *ffmpeg.Frame) error {
		out = append(out, &image.NRGBA{Pix: append([]byte(nil), f.Pix...), Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// darkShare is the share of r's pixels that are near black (luma <= 48,
// the check's limit for a solid cover after encoding).
func darkShare(img *image.NRGBA, r image.Rectangle) float64 {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return 0
	}
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.NRGBAAt(x, y)
			if (299*int(c.R)+587*int(c.G)+114*int(c.B))/1000 <= 48 {
				dark++
			}
		}
	}
	return float64(dark) / float64(r.Dx()*r.Dy())
}

// TestVideoStopAndQuickExit: stopping an encode saves nothing; a quick exit
// during an encode ends the app and leaves no file either.
func TestVideoStopAndQuickExit(t *testing.T) {
	tu, p, src := openFakeClip(t, "320x240", 60)
	tu.onUI(func() {
		p.save()
		if !p.running {
			t.Error("no encode running after Save")
		}
		p.stopSave()
	})
	tu.wait()
	if names := listNames(t, tu.saveTo); len(names) != 0 || !strings.Contains(p.status.Text, "Nothing was saved") {
		t.Errorf("after stopping: %v, status %q", names, p.status.Text)
	}
	// Close during an encode: nothing saved, the tab gone; it comes back
	// with the next video.
	tu.onUI(func() {
		p.save()
		p.close()
	})
	tu.wait()
	if names := listNames(t, tu.saveTo); len(names) != 0 || slices.Contains(tu.tabs.Items, tu.vredactTab) || p.a != nil {
		t.Errorf("after Close during an encode: %v saved, tab shown %v", names, slices.Contains(tu.tabs.Items, tu.vredactTab))
	}
	tu.openForRedaction(t, src)
	if tu.tabs.Selected() != tu.vredactTab || p.a == nil {
		t.Fatal("the video did not open for redaction again after Close")
	}
	tu.onUI(func() { p.save() })
	tu.onUI(func() { tu.quickExit() })
	tu.wait()
	select {
	case <-tu.exited:
	default:
		t.Error("quick exit did not end the app")
	}
	if names := listNames(t, tu.saveTo); len(names) != 0 {
		t.Errorf("after a quick exit during the encode the folder holds %v", names)
	}
}

// openFakeClip opens an n-frame test clip of the given size for redaction,
// with the fake face in every frame.
func openFakeClip(t *testing.T, size string, n int) (*testUI, *vredactPanel, string) {
	t.Helper()
	tu := newTestUI(t)
	withFakeVideoFaces(tu)
	src := makeTestVideo(t, t.TempDir(), "clip.mp4", size, n)
	tu.openForRedaction(t, src)
	return tu, tu.vredact, src
}

// openForRedaction opens a video as a user does: it opens in the video
// view, whose "Redact faces…" button brings it into the redaction panel.
func (tu *testUI) openForRedaction(t *testing.T, path string) {
	t.Helper()
	tu.onUI(func() { tu.openFile(path) })
	tu.wait()
	if tu.vdoc == nil || !tu.redactBtn.Visible() {
		t.Fatalf("%s did not open in the video view with a Redact faces button", path)
	}
	tu.onUI(func() { tu.redactBtn.OnTapped() })
	tu.wait()
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}

// TestVideoReviewCoverFindings: the analysis found no face (the detector
// is skipped), so the check of the written video finds the three faces
// of a fixture photo; the window shows them for review and saves nothing;
// "Cover them too and save again" covers them, and the second check passes.
// (One pass per save here, so that the review is reached: video.Redact
// would cover the findings in a second pass of its own.)
func TestVideoReviewCoverFindings(t *testing.T) {
	photo := filepath.Join(testenv.Shared(t, "fixtures/faces"), "faceapi_sample3.jpg")
	testenv.NeedFFmpeg(t)
	src := filepath.Join(t.TempDir(), "faces.mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-loop", "1", "-framerate", "5", "-i", photo,
		"-vf", "scale=640:-2", "-frames:v", "5", "-c:v", "libx264", "-pix_fmt", "yuv420p", src).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	tu := newTestUI(t)
	p := tu.vredact
	p.eng.analyze = func(ctx context.Context, ff *ffmpeg.Runner, path string, opt video.AnalyzeOptions, progress func(video.Progress)) (*video.Analysis, error) {
		opt.NoFaces = true
		return video.Analyze(ctx, ff, path, opt, progress)
	}
	p.eng.redact = func(ctx context.Context, ff *ffmpeg.Runner, a *video.Analysis, plan *video.Plan, path string, opt video.RenderOptions, progress func(video.Progress), _ func(int, int)) (*video.Output, []*video.Track, error) {
		o, err := video.Write(ctx, ff, a, plan, path, opt, progress)
		return o, nil, err
	}
	tu.openForRedaction(t, src)
	// Nothing to cover yet: draw a small area far from the faces so that
	// Save can start.
	tu.onUI(func() {
		p.drawn(image.Rect(0, 0, 8, 8))
		p.save()
	})
	tu.wait()
	if p.pending == nil || len(p.findings) < 3 {
		t.Fatalf("after the first save: %d findings, status %q", len(p.findings), p.status.Text)
	}
	if names := listNames(t, tu.saveTo); len(names) != 0 {
		t.Fatalf("saved %v before the findings were reviewed", names)
	}
	if len(p.review.Objects) == 0 || !strings.Contains(p.status.Text, "still finds") {
		t.Errorf("no review shown; status %q", p.status.Text)
	}
	tu.onUI(func() { p.coverFindings() })
	tu.wait()
	saved, _ := filepath.Glob(filepath.Join(tu.saveTo, "video-*.mp4"))
	if len(saved) != 1 || p.pending != nil || len(p.findings) != 0 {
		t.Fatalf("after covering the findings: saved %v, %d findings, status %q", saved, len(p.findings), p.status.Text)
	}
	if !strings.Contains(p.status.Text, "no face found outside") || len(p.plan.Tracks) < 3 {
		t.Errorf("%d tracks; status %q", len(p.plan.Tracks), p.status.Text)
	}
}
