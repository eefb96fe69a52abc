package app

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/photo"
)

// hangGuard ends a wait that would never end; it is no time limit on the
// app (the machine running the tests may be very busy).
const hangGuard = 2 * time.Minute

// writeVideo writes a file that starts as an MP4 does (an ftyp box) with
// size bytes of made-up content after it, under name in dir. The fake
// engines never decode it; hashing reads it as it is.
func writeVideo(t *testing.T, dir, name string, size int) string {
	t.Helper()
	b := make([]byte, 0, 32+size)
	b = append(b, 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
		'i', 's', 'o', 'm', 'm', 'p', '4', '1', 0, 0, 0, 8, 'f', 'r', 'e', 'e')
	for i := range size {
		b = append(b, byte(i*7+len(name)))
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakePoster is the frame the fake FFmpeg gives: a 64×36 gradient.
func fakePoster() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 36))
	for y := range 36 {
		for x := range 64 {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 4), uint8(y * 7), 90, 255})
		}
	}
	return img
}

// gpsFinding is what the fake video inspector finds.
var gpsFinding = metadata.Finding{Category: metadata.Location, Severity: metadata.High,
	Where: "QuickTime ©xyz", Field: "GPS position", Value: "51.50740, -0.12780"}

// withFakeVideoEngines gives tu a fake FFmpeg (streams and a poster frame)
// and a fake video inspector; hashing stays the real one (it reads the
// file and needs no FFmpeg).
func withFakeVideoEngines(tu *testUI) {
	tu.eng.probe = func(ctx context.Context, path string) (*ffmpeg.Info, error) {
		return &ffmpeg.Info{Format: "mov,mp4,m4a,3gp,3g2,mj2", Duration: 7 * time.Second, Streams: []ffmpeg.Stream{
			{Index: 0, Type: "video", Codec: "h264", Width: 64, Height: 36, AvgFrameRate: ffmpeg.Rational{Num: 30, Den: 1}},
			{Index: 1, Type: "audio", Codec: "aac"},
		}}, nil
	}
	tu.eng.poster = func(ctx context.Context, path string, at time.Duration, maxSide int) (*image.NRGBA, error) {
		return fakePoster(), nil
	}
	tu.eng.inspectVideo = func(ctx context.Context, path string) (*metadata.Report, error) {
		return &metadata.Report{Findings: []metadata.Finding{gpsFinding}}, nil
	}
	photoClean := tu.eng.clean
	tu.eng.clean = func(b []byte, o metadata.Options) (*metadata.Result, error) {
		if fingerprint.IsVideo(b, "") {
			panic("a video was sent to the photo cleaner")
		}
		return photoClean(b, o)
	}
}

func TestVideoOpensWithPosterAndFindings(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	src := writeVideo(t, t.TempDir(), "IMG_0042.MOV", 4096)
	tu.openFile(src)
	tu.wait()

	if tu.vdoc == nil || tu.doc != nil {
		t.Fatalf("video not open as a video (vdoc %v, doc %v)", tu.vdoc, tu.doc)
	}
	if !tu.vpane.content.Visible() || tu.editor.Visible() || tu.tools.Visible() {
		t.Error("the video view is not shown in place of the photo editor")
	}
	if tu.vpane.poster.Image == nil || tu.vpane.poster.Image.Bounds().Dx() != 64 {
		t.Errorf("poster frame not shown: %v", tu.vpane.poster.Image)
	}
	facts := tu.vpane.facts.Text
	for _, want := range []string{"0:07", "64×36", "30 frames a second", "H264", "with sound"} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
	if tu.photoTab.Text != "Video" {
		t.Errorf("tab is called %q", tu.photoTab.Text)
	}
	if tu.saveClean.Disabled() || tu.saveRedact.Visible() || tu.locOnly.Visible() {
		t.Error("a video offers Save clean copy only")
	}
	report := renderedText(tu.inspectBox)
	if !strings.Contains(report, "This video carries 1 pieces of hidden information") || !strings.Contains(report, "Where it was filmed") || !strings.Contains(report, "51.50740") {
		t.Errorf("report panel:\n%s", report)
	}
	if !tu.redactBtn.Visible() {
		t.Error("a video does not offer Redact faces (the redaction panel)")
	}

	// A photo opened next gets the photo editor back, and nothing of the video.
	tu.openFile(writeJPEG(t, t.TempDir(), 120, 90))
	tu.wait()
	if tu.vdoc != nil || tu.doc == nil || tu.vpane.content.Visible() || !tu.editor.Visible() || tu.photoTab.Text != "Photo" {
		t.Error("a photo opened after a video is not shown as a photo")
	}
}

// TestVideoRedactHook: the video redaction panel hooks in through
// ui.redactVideo, and gets the open video's path from its button.
func TestVideoRedactHook(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	var got string
	tu.redactVideo = func(path string) { got = path }
	src := writeVideo(t, t.TempDir(), "clip.mp4", 100)
	tu.openFile(src)
	tu.wait()
	if !tu.redactBtn.Visible() {
		t.Fatal("no Redact faces button for a video")
	}
	test.Tap(tu.redactBtn)
	if got != src {
		t.Errorf("redaction panel got %q, want %q", got, src)
	}
}

func TestVideoHashForReporting(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	src := writeVideo(t, t.TempDir(), "clip.mp4", 3<<20)
	b, _ := os.ReadFile(src)
	m, s := md5.Sum(b), sha256.Sum256(b)
	tu.openFile(src)
	tu.wait()
	tu.sideTabs.SelectIndex(1)
	tu.wait()
	text := renderedText(tu.hashPanel.content)
	for _, want := range []string{
		"StopNCII.org and Take It Down video hash (MD5 of the exact file)",
		hex.EncodeToString(m[:]),
		hex.EncodeToString(s[:]),
		"matches only a byte-identical copy",
		"Never hash a cleaned or redacted copy for a report",
		"take the MD5 of the exact file",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("hash panel lacks %q:\n%s", want, text)
		}
	}
	if tu.hashPanel.export.Disabled() {
		t.Fatal("the hashes cannot be saved as a report")
	}
	tu.hashPanel.format.SetSelectedIndex(1) // JSON
	tu.hashPanel.saveReport()
	tu.wait()
	outs, _ := filepath.Glob(filepath.Join(tu.saveTo, "*.json"))
	if len(outs) != 1 {
		t.Fatalf("report files %v", outs)
	}
	rep, _ := os.ReadFile(outs[0])
	if !strings.Contains(string(rep), hex.EncodeToString(m[:])) || strings.Contains(string(rep), "clip.mp4") {
		t.Errorf("report without the video's MD5, or naming the file unasked:\n%s", rep)
	}
	// Private to the user where files have Unix permissions; Windows keeps
	// access in ACLs, and Go reports 0666 for any file that is not read-only.
	if st, err := os.Stat(outs[0]); err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v (%v)", st.Mode(), err)
	}
}

// cleanFake is a fake video cleaner that writes its output as the real one
// does (a temporary file beside it, named only when checked) and can hold
// the write in the middle until it is cancelled.
type cleanFake struct {
	mu    sync.Mutex
	calls []string // in -> out
	// check is the verifier's answer on the written copy.
	check error
	// hold stops the write halfway until ctx ends; obey says whether it
	// then stops (false: it never notices, as a stuck disk would).
	hold, obey bool
	started    chan struct{}
	once       sync.Once
	release    chan struct{}
}

func newCleanFake() *cleanFake {
	return &cleanFake{obey: true, started: make(chan struct{}), release: make(chan struct{})}
}

func (f *cleanFake) clean(ctx context.Context, in, out string, opt metadata.Options, progress func(done, total int64)) (*metadata.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in+" -> "+out)
	f.mu.Unlock()
	data, err := os.ReadFile(in)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".veil-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	half := len(data) / 2
	tmp.Write(data[:half])
	progress(int64(half), int64(len(data)))
	if f.hold {
		f.once.Do(func() { close(f.started) })
		if f.obey {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		<-f.release
		if ctx.Err() != nil { // a real cleaner checks before it names the copy
			return nil, ctx.Err()
		}
	}
	tmp.Write(data[half:])
	progress(int64(len(data)), int64(len(data)))
	if f.check != nil {
		return nil, fmt.Errorf("%w: %w", metadata.ErrNotClean, f.check)
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), out); err != nil {
		return nil, err
	}
	return &metadata.Result{Lossless: true, Removed: []string{"QuickTime ©xyz GPS position"}}, nil
}

func TestVideoSaveCleanCopy(t *testing.T) {
	t.Run("checked", func(t *testing.T) {
		tu := newTestUI(t)
		withFakeVideoEngines(tu)
		fake := newCleanFake()
		tu.eng.cleanVideo = fake.clean
		src := writeVideo(t, t.TempDir(), "IMG_0042.MOV", 1<<20)
		orig, _ := os.ReadFile(src)
		st, _ := os.Stat(src)
		tu.openFile(src)
		tu.wait()
		test.Tap(tu.saveClean)
		tu.wait()
		if len(fake.calls) != 1 || !strings.HasPrefix(fake.calls[0], src+" -> "+tu.saveTo) {
			t.Fatalf("clean copy not routed to the video cleaner: %q", fake.calls)
		}
		files := filesUnder(t, tu.saveTo)
		if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "video-") || filepath.Ext(files[0]) != ".mov" {
			t.Fatalf("saved %q, want one neutrally named .mov", files)
		}
		top := tu.win.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(renderedText(top), "and checked it") || !strings.Contains(renderedText(top), "picture and the sound are unchanged") {
			t.Errorf("no saved message; status %q", tu.status.Text)
		}
		unchanged(t, src, orig, st.ModTime())
	})
	t.Run("failed check", func(t *testing.T) {
		tu := newTestUI(t)
		withFakeVideoEngines(tu)
		fake := newCleanFake()
		fake.check = errInjected
		tu.eng.cleanVideo = fake.clean
		tu.openFile(writeVideo(t, t.TempDir(), "clip.mp4", 1<<20))
		tu.wait()
		tu.saveCleanCopy()
		tu.wait()
		if files := filesUnder(t, tu.saveTo); len(files) != 0 {
			t.Errorf("a copy that failed its check left %q", files)
		}
		top := tu.win.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(renderedText(top), "clip.mp4") || strings.Contains(renderedText(top), "Saved") {
			t.Errorf("failure not reported as one line naming the file: %v", top)
		}
	})
}

func TestVideoCleanCancelLeavesNoFile(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	fake := newCleanFake()
	fake.hold = true
	tu.eng.cleanVideo = fake.clean
	tu.openFile(writeVideo(t, t.TempDir(), "clip.mp4", 1<<20))
	tu.wait()
	tu.saveCleanCopy()
	<-fake.started
	tu.onUI(func() {
		if !tu.vpane.task.box.Visible() || !tu.saveClean.Disabled() {
			t.Error("the save is not shown as under way")
		}
	})
	test.Tap(tu.vpane.task.stop)
	tu.wait()
	if files := filesUnder(t, tu.saveTo); len(files) != 0 {
		t.Errorf("a cancelled save left %q", files)
	}
	if tu.status.Text != "Cancelled. No copy was saved." || tu.vpane.task.box.Visible() || tu.saveClean.Disabled() {
		t.Errorf("after cancel: status %q", tu.status.Text)
	}
}

// TestQuickExitDuringVideoJob: quick exit while a video's copy is being
// written or its hashes read ends the app and leaves no file, even when
// the writer never notices it was cancelled.
func TestQuickExitDuringVideoJob(t *testing.T) {
	for _, name := range []string{"cleaning", "cleaning stuck", "hashing", "many files"} {
		t.Run(name, func(t *testing.T) {
			tu := newTestUI(t)
			withFakeVideoEngines(tu)
			fake := newCleanFake()
			fake.hold = true
			fake.obey = name != "cleaning stuck"
			tu.eng.cleanVideo = fake.clean
			hashing := make(chan struct{})
			tu.eng.hashFile = func(ctx context.Context, path string, opt fingerprint.Options) fingerprint.Result {
				close(hashing)
				<-ctx.Done()
				return fingerprint.Result{Error: "cancelled"}
			}
			tu.openFile(writeVideo(t, t.TempDir(), "clip.mp4", 1<<20))
			tu.wait()
			switch name {
			case "hashing":
				tu.sideTabs.SelectIndex(1)
				<-hashing
			case "many files":
				dir := t.TempDir()
				writeVideo(t, dir, "a.mp4", 1<<20)
				writeVideo(t, dir, "b.mov", 1<<20)
				tu.openPaths([]string{dir})
				tu.batch.CleanAll(tu.saveTo)
				<-fake.started
			default:
				tu.saveCleanCopy()
				<-fake.started
			}
			go tu.quickExit()
			select {
			case <-tu.exited:
			case <-time.After(hangGuard):
				t.Fatal("quick exit waited for the video job")
			}
			if name == "cleaning stuck" {
				// A process that exits takes an unnamed file with it; this
				// one lives on, so the test lets the writer end.
				close(fake.release)
			}
			tu.wait()
			if files := filesUnder(t, tu.saveTo); len(files) != 0 {
				t.Errorf("quick exit left %q", files)
			}
		})
	}
}

func TestManyFilesPhotosAndVideos(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	dir := t.TempDir()
	for _, sub := range []string{"a", "b"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
		writeJPEG(t, filepath.Join(dir, sub), 160, 120)
	}
	writeVideo(t, dir, "clip.mp4", 2<<20)
	writeVideo(t, dir, "IMG_0042.MOV", 1<<20)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)

	tu.openPaths([]string{dir})
	if tu.batchTab.Text != "Many files" || tu.tabs.Selected() != tu.batchTab {
		t.Fatalf("batch tab %q not selected", tu.batchTab.Text)
	}
	if len(tu.batch.items) != 4 {
		t.Fatalf("folder gave %d items, want 2 photos and 2 videos", len(tu.batch.items))
	}

	tu.batch.HashAll()
	tu.wait()
	videos := 0
	for _, it := range tu.batch.items {
		if it.State != batchDone {
			t.Errorf("%s: %v %s", it.Path, it.State, it.Detail)
		}
		if fingerprint.IsVideoName(it.Path) {
			videos++
			b, _ := os.ReadFile(it.Path)
			m := md5.Sum(b)
			if !strings.HasPrefix(it.Detail, "Video · MD5 "+hex.EncodeToString(m[:])[:8]) {
				t.Errorf("%s: %q", filepath.Base(it.Path), it.Detail)
			}
		}
	}
	if videos != 2 || len(tu.batch.hashes) != 4 || tu.batch.progress.Value != 4 {
		t.Errorf("%d videos, %d hashes, progress %v", videos, len(tu.batch.hashes), tu.batch.progress.Value)
	}

	// Clean all: photos through the photo cleaner, videos streamed by the
	// video cleaner.
	tu.eng.clean = func(b []byte, o metadata.Options) (*metadata.Result, error) {
		return &metadata.Result{Data: b, Format: photo.Sniff(b), Lossless: true}, nil
	}
	tu.eng.verify = func([]byte, metadata.Options) error { return nil }
	fake := newCleanFake()
	tu.eng.cleanVideo = fake.clean
	out := t.TempDir()
	tu.batch.CleanAll(out)
	tu.wait()
	files := filesUnder(t, out)
	vids := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "video-") {
			vids++
		}
	}
	if len(files) != 4 || vids != 2 || len(fake.calls) != 2 || tu.batch.progress.Value != 4 {
		t.Errorf("wrote %q (%d videos, %d video cleans), progress %v", files, vids, len(fake.calls), tu.batch.progress.Value)
	}

	// A video the cleaner refuses fails on its own line; the rest are
	// cleaned.
	tu.eng.cleanVideo = func(ctx context.Context, in, out string, opt metadata.Options, progress func(done, total int64)) (*metadata.Result, error) {
		if strings.HasSuffix(in, ".MOV") {
			return nil, errors.New("fragmented movie: Veil cannot clean it")
		}
		return fake.clean(ctx, in, out, opt, progress)
	}
	out = t.TempDir()
	tu.batch.CleanAll(out)
	tu.wait()
	for _, it := range tu.batch.items {
		refused := strings.HasSuffix(it.Path, ".MOV")
		if refused && (it.State != batchFailed || !strings.Contains(it.Detail, "fragmented movie")) ||
			!refused && it.State != batchDone {
			t.Errorf("%s: %v %q", filepath.Base(it.Path), it.State, it.Detail)
		}
	}
	if files := filesUnder(t, out); len(files) != 3 {
		t.Errorf("wrote %q, want the two photos and one video", files)
	}
}

func TestManyFilesCancelVideoLeavesNoFile(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	dir := t.TempDir()
	writeVideo(t, dir, "a.mp4", 1<<20)
	writeVideo(t, dir, "b.mp4", 1<<20)
	fake := newCleanFake()
	fake.hold = true
	tu.eng.cleanVideo = fake.clean
	tu.openPaths([]string{dir})
	out := t.TempDir()
	tu.batch.CleanAll(out)
	<-fake.started
	tu.onUI(func() {
		if tu.batch.progress.Value <= 0 || tu.batch.progress.Value >= 1 {
			t.Errorf("progress %v while the first video is half written", tu.batch.progress.Value)
		}
		tu.batch.Cancel()
	})
	tu.wait()
	if files := filesUnder(t, out); len(files) != 0 {
		t.Errorf("cancel left %q", files)
	}
	for _, it := range tu.batch.items {
		if it.State != batchCancelled {
			t.Errorf("%s: %v %q", filepath.Base(it.Path), it.State, it.Detail)
		}
	}
}

// TestVideoWithoutFFmpeg: with no FFmpeg on the computer a video still
// opens, says in one line why there is no picture, and can be hashed.
func TestVideoWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	tu := newTestUI(t)
	src := writeVideo(t, t.TempDir(), "clip.mp4", 1000)
	tu.openFile(src)
	tu.wait()
	if tu.vdoc == nil || !errors.Is(tu.vdoc.PreviewErr, ffmpeg.ErrNotInstalled) {
		t.Fatalf("video not opened: %+v", tu.vdoc)
	}
	msg := tu.vpane.problem.Text
	if !tu.vpane.problemBox.Visible() || !strings.Contains(msg, "needs FFmpeg") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	tu.sideTabs.SelectIndex(1)
	tu.wait()
	b, _ := os.ReadFile(src)
	m := md5.Sum(b)
	if !strings.Contains(renderedText(tu.hashPanel.content), hex.EncodeToString(m[:])) {
		t.Error("no MD5 without FFmpeg")
	}
}

// TestVideoFixture opens a real phone video with the real engines: the
// poster (through the system's FFmpeg) is upright, the facts and the GPS
// position are shown, and Save clean copy writes a checked copy in which
// the video inspector finds nothing identifying.
func TestVideoFixture(t *testing.T) {
	if _, err := ffmpeg.New(); err != nil {
		t.Skip(err)
	}
	src := sharedFixture(t, "video/mov-with-gps.mov")
	tu := newTestUI(t)
	tu.openFile(src)
	tu.wait()
	if tu.vdoc == nil || tu.vdoc.Poster == nil {
		t.Fatalf("no poster: %+v", tu.vdoc)
	}
	s, ok := tu.vdoc.Info.Video()
	if !ok {
		t.Fatal("no video stream")
	}
	w, h := s.DisplaySize()
	b := tu.vdoc.Poster.Bounds()
	if (w > h) != (b.Dx() > b.Dy()) || max(b.Dx(), b.Dy()) > displayMaxSide {
		t.Errorf("poster %v for a %d×%d video", b, w, h)
	}
	if !strings.Contains(tu.vpane.facts.Text, fmt.Sprintf("%d×%d", w, h)) {
		t.Errorf("facts %q", tu.vpane.facts.Text)
	}
	if tu.report == nil || len(tu.report.Findings) == 0 || !strings.Contains(renderedText(tu.inspectBox), "could identify you or a place") {
		t.Fatalf("report panel:\n%s", renderedText(tu.inspectBox))
	}

	orig, _ := os.ReadFile(src)
	st, _ := os.Stat(src)
	tu.saveCleanCopy()
	tu.wait()
	files := filesUnder(t, tu.saveTo)
	if len(files) != 1 {
		t.Fatalf("saved %q; status %q", files, tu.status.Text)
	}
	if top := tu.win.Canvas().Overlays().Top(); top == nil || !strings.Contains(renderedText(top), "and checked it") {
		t.Errorf("no saved message; status %q", tu.status.Text)
	}
	rep, err := inspect.Video(context.Background(), files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Severity == metadata.High {
			t.Errorf("the clean copy still reveals %+v", f)
		}
	}
	unchanged(t, src, orig, st.ModTime())
}

// TestVideoOtherContainer: a video in a container the inspector does not
// read (an MTS, say) says so once and is still offered a clean copy, which
// the cleaner makes through FFmpeg as an MP4.
func TestVideoOtherContainer(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	tu.eng.inspectVideo = func(ctx context.Context, path string) (*metadata.Report, error) {
		return nil, fmt.Errorf("%w: it is an MPEG transport stream", inspect.ErrVideoUnsupported)
	}
	fake := newCleanFake()
	tu.eng.cleanVideo = fake.clean
	tu.openFile(writeVideo(t, t.TempDir(), "00012.MTS", 100))
	tu.wait()
	if r := renderedText(tu.inspectBox); !strings.Contains(r, "MPEG transport stream. Veil cannot list what it reveals. For an MKV, WebM, AVI or MTS video") {
		t.Errorf("report panel:\n%s", r)
	}
	if tu.saveClean.Disabled() {
		t.Fatal("no clean copy offered")
	}
	tu.saveCleanCopy()
	tu.wait()
	files := filesUnder(t, tu.saveTo)
	if len(files) != 1 || filepath.Ext(files[0]) != ".mp4" {
		t.Errorf("saved %q, want one .mp4", files)
	}
}

// TestVideoDamagedOffersNoCleanCopy: a movie the inspector finds damaged
// is offered no clean copy; the next one is.
func TestVideoDamagedOffersNoCleanCopy(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	tu.eng.inspectVideo = func(ctx context.Context, path string) (*metadata.Report, error) {
		return nil, errors.New("damaged or truncated: a box runs past the end of the file")
	}
	tu.openFile(writeVideo(t, t.TempDir(), "clip.mp4", 100))
	tu.wait()
	if !tu.saveClean.Disabled() {
		t.Error("a clean copy is offered of a damaged video")
	}
	if r := renderedText(tu.inspectBox); !strings.Contains(r, "runs past the end of the file. It cannot be cleaned, but it can still be hashed") {
		t.Errorf("report panel:\n%s", r)
	}
	withFakeVideoEngines(tu)
	tu.openFile(writeVideo(t, t.TempDir(), "clip.mp4", 100))
	tu.wait()
	if tu.saveClean.Disabled() {
		t.Error("Save clean copy still disabled for a readable video")
	}
}

// TestVideoVPDQFixture: "Add a vPDQ hash" on a real video gives, for every
// frame it hashes (one a second), the hash Meta's reference computes for
// that frame.
func TestVideoVPDQFixture(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a whole video; the normal run has it")
	}
	if _, err := ffmpeg.New(); err != nil {
		t.Skip(err)
	}
	src := sharedFixture(t, "video/chair-20-sd-bar.mp4")
	want := map[string]string{} // timestamp -> hash
	b, err := os.ReadFile(sharedFixture(t, "video/vpdq/chair-20-sd-bar.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",") // frame, quality, hash, seconds
		if len(f) == 4 {
			want[f[3]] = f[2]
		}
	}
	tu := newTestUI(t)
	tu.openFile(src)
	tu.wait()
	tu.onUI(func() { tu.hashPanel.startVideo(tu.vdoc, true) })
	tu.wait()
	r := tu.hashPanel.result
	if r == nil || r.VPDQ == nil || len(r.VPDQ.Frames) < 20 {
		t.Fatalf("no vPDQ: %+v", r)
	}
	for _, fr := range r.VPDQ.Frames {
		f := strings.Split(fr, ",") // hash, quality, seconds
		if len(f) != 3 || want[f[2]] != f[0] {
			t.Errorf("frame %q: reference has %q", fr, want[f[2]])
		}
	}
	if text := renderedText(tu.hashPanel.content); !strings.Contains(text, fmt.Sprintf("%d frame hashes, one a second", len(r.VPDQ.Frames))) {
		t.Errorf("hash panel:\n%s", text)
	}
}

// TestVideoUsableBeforeItsPicture: a video's findings, hashes and Save
// clean copy do not wait for FFmpeg's poster frame, which can take seconds.
func TestVideoUsableBeforeItsPicture(t *testing.T) {
	tu := newTestUI(t)
	withFakeVideoEngines(tu)
	gate := make(chan struct{})
	tu.eng.poster = func(ctx context.Context, path string, at time.Duration, maxSide int) (*image.NRGBA, error) {
		<-gate
		return fakePoster(), nil
	}
	tu.sideTabs.SelectIndex(1)
	src := writeVideo(t, t.TempDir(), "clip.mp4", 1<<20)
	b, _ := os.ReadFile(src)
	m := md5.Sum(b)
	tu.openFile(src)
	deadline := time.Now().Add(hangGuard)
	for {
		var done bool
		tu.onUI(func() {
			done = tu.report != nil && strings.Contains(renderedText(tu.hashPanel.content), hex.EncodeToString(m[:]))
		})
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("findings and hashes waited for the poster frame")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tu.onUI(func() {
		if tu.saveClean.Disabled() || tu.vpane.poster.Visible() || !strings.Contains(tu.vpane.problem.Text, "Making a picture") {
			t.Errorf("while the picture is made: save disabled %v, note %q", tu.saveClean.Disabled(), tu.vpane.problem.Text)
		}
	})
	close(gate)
	tu.wait()
	if tu.vpane.poster.Image == nil || tu.vpane.problemBox.Visible() {
		t.Error("poster not shown once made")
	}
}

// TestVideoHostileFiles: damaged and hostile files named as videos open
// with one line saying what is wrong, through the real engines: no panic,
// no hang, nothing offered as clean.
func TestVideoHostileFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"empty.mp4":    nil,
		"playlist.mp4": []byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"),
		"garbage.mov":  []byte("\x00\x00\x00\x18ftypqt  \x00\x00\x00\x00qt  \xff\xff\xff\xffmoov\x00\x00"),
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			tu := newTestUI(t)
			tu.openFile(p)
			tu.wait()
			if tu.vdoc == nil {
				t.Fatalf("%s not opened as a video", name)
			}
			report := strings.TrimSpace(renderedText(tu.inspectBox))
			if tu.report != nil || report == "" || strings.Contains(report, "\n") {
				t.Errorf("report %q", report)
			}
			t.Logf("report: %s; preview: %s", report, tu.vpane.problem.Text)
			if tu.vdoc.Poster != nil || strings.TrimSpace(tu.vpane.problem.Text) == "" {
				t.Errorf("preview: %q", tu.vpane.problem.Text)
			}
			if !strings.Contains(report, "hashed for reporting") {
				t.Errorf("report does not say the file can still be hashed")
			}
			if !tu.saveClean.Disabled() {
				// Offered (a container the cleaner may take through
				// FFmpeg): it must refuse in one line and leave nothing.
				tu.saveCleanCopy()
				tu.wait()
				top := tu.win.Canvas().Overlays().Top()
				if files := filesUnder(t, tu.saveTo); len(files) != 0 || top == nil || !strings.Contains(renderedText(top), name) {
					t.Errorf("save left %q; message %v", files, top)
				}
				t.Logf("save: %s", strings.TrimSpace(renderedText(top)))
			}
		})
	}
}
