package app

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
	tu := newTestUI(t)
	withFakeVideoFaces(tu)
	src := makeTestVideo(t, t.TempDir(), "clip.mp4", "160x120", 12)
	tu.openForRedaction(t, src)
	p := tu.vredact
	if tu.tabs.Selected() != tu.vredactTab || p.a == nil || len(p.plan.Tracks) != 1 || len(p.a.Frames) != 12 {
		t.Fatalf("after opening: tab %v, analysis %v", tu.tabs.Selected().Text, p.a != nil)
	}
	if !strings.Contains(p.status.Text, "1 faces followed") {
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
}

// TestVideoStopAndQuickExit: stopping an encode saves nothing; a quick exit
// during an encode ends the app and leaves no file either.
func TestVideoStopAndQuickExit(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoFaces(tu)
	src := makeTestVideo(t, t.TempDir(), "clip.mp4", "320x240", 60)
	tu.openForRedaction(t, src)
	p := tu.vredact
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
