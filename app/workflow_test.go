package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/veil/veil/internal/notrace"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
	"codeberg.org/veil/veil/redact"
)

// testUI is a Veil window on Fyne's headless test driver with the real
// engines, except a face detector that "finds" one fixed face, so the
// workflows are deterministic and fast.
type testUI struct {
	*ui
	uiMu   sync.Mutex
	exited chan int
	saveTo string
}

var fakeFace = image.Rect(40, 30, 100, 100)

func newTestUI(t testing.TB) *testUI {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	eng := defaultEngines()
	eng.detect = func(ctx context.Context, img image.Image) ([]image.Rectangle, error) {
		return []image.Rectangle{fakeFace}, ctx.Err()
	}
	tu := &testUI{exited: make(chan int, 1), saveTo: t.TempDir()}
	tu.ui = newUI(a, w, eng, nil, func(code int) { tu.exited <- code })
	// Fyne's test driver runs fyne.Do callbacks at once on the calling
	// goroutine; serialise them as the real driver's UI thread does.
	tu.do = func(f func()) {
		tu.uiMu.Lock()
		defer tu.uiMu.Unlock()
		f()
	}
	tu.pickSave = func(dir, name string, save func(string)) { save(filepath.Join(tu.saveTo, name)) }
	w.Resize(fyne.NewSize(1100, 760))
	t.Cleanup(func() { tu.cancelAll(); tu.jobs.Wait() })
	return tu
}

// wait lets every background job (and the UI updates they post) finish.
func (tu *testUI) wait() { tu.jobs.Wait() }

// writeJPEG writes a w×h test photo (a gradient with a bright square where
// the fake face is) and returns its path.
func writeJPEG(t *testing.T, dir string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255}
			if image.Pt(x, y).In(fakeFace) {
				c = color.RGBA{250, 220, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "IMG_20250701_123456.jpg")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// editorPoint is the canvas position of image pixel p in the editor.
func (tu *testUI) editorPoint(p image.Point) fyne.Position {
	m := tu.editor.mapping()
	pos, _ := m.ToView(image.Rectangle{Min: p, Max: p})
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(tu.editor)
	return abs.Add(pos).AddXY(m.Scale/2, m.Scale/2)
}

// drag drags in the editor from image pixel a to image pixel b.
func (tu *testUI) drag(a, b image.Point) {
	from, to := tu.editorPoint(a), tu.editorPoint(b)
	test.Drag(tu.win.Canvas(), to, to.X-from.X, to.Y-from.Y)
}

func unchanged(t *testing.T, path string, want []byte, mod time.Time) {
	t.Helper()
	got, err := os.ReadFile(path)
	st, _ := os.Stat(path)
	if err != nil || !bytes.Equal(got, want) || !st.ModTime().Equal(mod) {
		t.Errorf("original %s was changed", path)
	}
}

func near(a, b image.Rectangle, tol int) bool {
	d := func(x, y int) bool { return x-y <= tol && y-x <= tol }
	return d(a.Min.X, b.Min.X) && d(a.Min.Y, b.Min.Y) && d(a.Max.X, b.Max.X) && d(a.Max.Y, b.Max.Y)
}

func TestOpenDetectEditRedactSave(t *testing.T) {
	tu := newTestUI(t)
	src := writeJPEG(t, t.TempDir(), 400, 300)
	orig, _ := os.ReadFile(src)
	st, _ := os.Stat(src)

	tu.openFile(src)
	tu.wait()
	if tu.doc == nil || tu.doc.work != nil {
		t.Fatalf("photo not opened: status %q", tu.status.Text)
	}
	if tu.editor.img == nil || tu.editor.W != 400 || tu.editor.H != 300 {
		t.Fatalf("editor shows %v at %dx%d", tu.editor.img != nil, tu.editor.W, tu.editor.H)
	}
	rs := tu.hist.Regions()
	if len(rs) != 1 || rs[0].Rect != fakeFace || !rs[0].Found || rs[0].Style != redact.Solid {
		t.Fatalf("detections shown as %+v, want the fake face", rs)
	}
	if !strings.Contains(tu.status.Text, "1 face") {
		t.Errorf("status %q does not report the face", tu.status.Text)
	}

	// Draw a new region, then move it.
	tu.drag(image.Pt(200, 150), image.Pt(300, 250))
	rs = tu.hist.Regions()
	if len(rs) != 2 || !near(rs[1].Rect, image.Rect(200, 150, 300, 250), 2) {
		t.Fatalf("after drawing: %+v", rs)
	}
	drawn := rs[1].Rect
	tu.drag(image.Pt(250, 200), image.Pt(230, 180))
	rs = tu.hist.Regions()
	if len(rs) != 2 || !near(rs[1].Rect, drawn.Sub(image.Pt(20, 20)), 2) {
		t.Fatalf("after moving: %v, want %v", rs[1].Rect, drawn.Sub(image.Pt(20, 20)))
	}
	moved := rs[1].Rect
	// Resize with the bottom-right handle.
	tu.drag(moved.Max.Sub(image.Pt(1, 1)), moved.Max.Add(image.Pt(30, 10)))
	if r := tu.hist.Regions()[1].Rect; r.Min != moved.Min || !near(r, image.Rectangle{Min: moved.Min, Max: moved.Max.Add(image.Pt(31, 11))}, 3) {
		t.Fatalf("after resizing: %v from %v", r, moved)
	}
	// Keyboard: select with the editor focused, nudge right, then undo it.
	tu.win.Canvas().Focus(tu.editor)
	tu.editor.Select(1)
	before := tu.hist.Regions()[1].Rect
	tu.editor.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if r := tu.hist.Regions()[1].Rect; r != before.Add(image.Pt(4, 0)) {
		t.Errorf("arrow key moved %v to %v", before, r)
	}
	tu.editor.Undo()
	if r := tu.hist.Regions()[1].Rect; r != before {
		t.Errorf("undo gave %v, want %v", r, before)
	}
	tu.editor.Redo()
	tu.editor.Undo()
	// Pixelate the selected region with the style picker.
	tu.styleSel.SetSelectedIndex(1)
	if tu.hist.Regions()[1].Style != redact.Pixelate {
		t.Errorf("style picker did not apply to the selected region")
	}
	// The before/after toggle shows the redacted display copy.
	tu.afterCheck.SetChecked(true)
	tu.wait()
	if tu.editor.result == nil {
		t.Error("Show result shows nothing")
	}
	tu.afterCheck.SetChecked(false)

	tu.saveRedacted()
	tu.wait()
	outs, _ := filepath.Glob(filepath.Join(tu.saveTo, "*"))
	if len(outs) != 1 || !strings.HasPrefix(filepath.Base(outs[0]), "photo-") || filepath.Ext(outs[0]) != ".jpg" {
		t.Fatalf("outputs %v, want one neutral .jpg (status %q)", outs, tu.status.Text)
	}
	b, _ := os.ReadFile(outs[0])
	img, _, err := photo.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	// The detected face was filled solid black.
	var sum int
	for y := fakeFace.Min.Y + 5; y < fakeFace.Max.Y-5; y++ {
		for x := fakeFace.Min.X + 5; x < fakeFace.Max.X-5; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum += int(r>>8 + g>>8 + bl>>8)
		}
	}
	if sum > 10*fakeFace.Dx()*fakeFace.Dy() {
		t.Errorf("face region not black in the saved copy (mean %d)", sum/(fakeFace.Dx()*fakeFace.Dy()))
	}
	if !strings.Contains(tu.status.Text, filepath.Base(outs[0])) {
		t.Errorf("status %q does not name the saved copy", tu.status.Text)
	}
	unchanged(t, src, orig, st.ModTime())
}

func TestDisplayCopyIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and opens a 24 MP photo")
	}
	tu := newTestUI(t)
	src := writeJPEG(t, t.TempDir(), 6000, 4000)
	tu.openFile(src)
	tu.wait()
	if tu.doc == nil {
		t.Fatal("not opened")
	}
	b := tu.editor.img.Bounds()
	if max(b.Dx(), b.Dy()) > displayMaxSide {
		t.Errorf("display copy is %v, larger than %d", b, displayMaxSide)
	}
	wall, cpu, ok := tu.timings.get("first frame")
	if !ok {
		t.Fatal("no first frame")
	}
	// How fast is measured, not asserted (this machine may be loaded):
	// BenchmarkLoadPreview24MP and scripts/measure-gui.sh's first frame.
	t.Logf("24 MP photo: display copy %dx%d ready after %v wall, %v CPU", b.Dx(), b.Dy(), wall, cpu)
}

func TestOpenBadFileShowsOneLine(t *testing.T) {
	tu := newTestUI(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "holiday.jpg")
	os.WriteFile(bad, []byte("this is not a photo"), 0o644)
	tu.openFile(bad)
	tu.wait()
	if tu.doc != nil {
		t.Fatal("a text file opened as a photo")
	}
	ov := tu.win.Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("no error shown")
	}
	if !strings.Contains(renderedText(ov), "holiday.jpg") {
		t.Errorf("error does not name the file: %q", renderedText(ov))
	}
}

// renderedText collects the text of every label in o.
func renderedText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestHashesShownCopiedAndExported(t *testing.T) {
	tu := newTestUI(t)
	src := writeJPEG(t, t.TempDir(), 320, 240)
	orig, _ := os.ReadFile(src)
	tu.openFile(src)
	tu.wait()
	tu.sideTabs.SelectIndex(1)
	tu.wait()
	r := tu.hashPanel.result
	if r == nil {
		t.Fatal("no hashes")
	}
	sum := sha256.Sum256(orig)
	if r.SHA256 != hex.EncodeToString(sum[:]) || len(r.PDQ) != 64 || len(r.PDQDihedral) != 8 {
		t.Fatalf("hashes %+v", r)
	}
	tu.clip.Copy(r.PDQ)
	if tu.app.Clipboard().Content() != r.PDQ {
		t.Error("hash not on the clipboard")
	}
	tu.hashPanel.format.SetSelectedIndex(1) // JSON
	tu.hashPanel.saveReport()
	tu.wait()
	outs, _ := filepath.Glob(filepath.Join(tu.saveTo, "*.json"))
	if len(outs) != 1 {
		t.Fatalf("report files %v", outs)
	}
	b, _ := os.ReadFile(outs[0])
	var rep struct {
		Files []struct{ SHA256, PDQ, File string }
	}
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Files) != 1 || rep.Files[0].SHA256 != r.SHA256 || rep.Files[0].PDQ != r.PDQ {
		t.Fatalf("report %s: %v", b, err)
	}
	if rep.Files[0].File != "" || bytes.Contains(b, []byte("IMG_2025")) {
		t.Error("report names the file although names were not asked for")
	}
}

func TestClipboardClearedAfterLifeAndOnlyIfOurs(t *testing.T) {
	a := test.NewTempApp(t)
	g := newGuardedClipboard(a.Clipboard())
	var fire func()
	g.after = func(d time.Duration, f func()) *time.Timer {
		if d != clipboardLife {
			t.Errorf("timer %v", d)
		}
		fire = f
		return time.NewTimer(time.Hour)
	}
	g.Copy("abc")
	fire()
	if a.Clipboard().Content() != "" {
		t.Error("copied hash still on the clipboard after its life")
	}
	g.Copy("abc")
	a.Clipboard().SetContent("the user's own text")
	fire()
	g.ClearOurs()
	if a.Clipboard().Content() != "the user's own text" {
		t.Error("Veil cleared text it did not put there")
	}
	g.ClearAll()
	if a.Clipboard().Content() != "" {
		t.Error("ClearAll left the clipboard full")
	}
}

func TestQuickExit(t *testing.T) {
	for _, how := range []string{"shift three times", "button", "shift from a focused button", "button in a dialog"} {
		t.Run(how, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "MESA_SHADER_CACHE_DISABLE", "MESA_GLSL_CACHE_DISABLE", "__GL_SHADER_DISK_CACHE"} {
				t.Setenv(k, "")
			}
			tr, err := notrace.Start()
			if err != nil {
				t.Fatal(err)
			}
			tu := newTestUI(t)
			tu.trace = tr
			tu.clip.Copy("0123abcd")
			shift := &fyne.KeyEvent{Name: desktop.KeyShiftLeft}
			switch how {
			case "shift three times":
				kd := tu.keyDown // what the desktop canvas's key hook calls
				kd(shift)
				kd(shift)
				select {
				case <-tu.exited:
					t.Fatal("exited after two presses")
				default:
				}
				kd(shift)
			case "button":
				test.Tap(findButton(t, tu.win.Content(), "Quick exit (Shift ×3)"))
			case "button in a dialog":
				tu.showAbout()
				top := tu.win.Canvas().Overlays().Top()
				if top == nil {
					t.Fatal("About box not shown")
				}
				test.Tap(findButton(t, top, "Quick exit (Shift ×3)"))
			default:
				b := findButton(t, tu.win.Content(), "Paste")
				tu.win.Canvas().Focus(b)
				for range 3 {
					b.KeyDown(shift)
				}
			}
			select {
			case code := <-tu.exited:
				if code != 0 {
					t.Errorf("exit code %d", code)
				}
			case <-time.After(time.Second):
				t.Fatal("no exit within a second")
			}
			if tu.app.Clipboard().Content() != "" {
				t.Error("clipboard not cleared")
			}
			if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
				t.Errorf("private folder left behind: %v", ents)
			}
		})
	}
}

func findButton(t *testing.T, root fyne.CanvasObject, text string) *keyButton {
	t.Helper()
	var found *keyButton
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		switch w := o.(type) {
		case *keyButton:
			if w.Text == text {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(root)
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}

func TestBatchHashProgressAndCancel(t *testing.T) {
	tu := newTestUI(t)
	dir := t.TempDir()
	for i := range 4 {
		sub := filepath.Join(dir, string(rune('a'+i)))
		os.Mkdir(sub, 0o755)
		writeJPEG(t, sub, 160, 120)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	tu.openPaths([]string{dir})
	if len(tu.batch.items) != 4 || tu.tabs.Selected() != tu.batchTab {
		t.Fatalf("folder gave %d batch items", len(tu.batch.items))
	}
	tu.batch.HashAll()
	tu.wait()
	for _, it := range tu.batch.items {
		if it.State != batchDone {
			t.Errorf("%s: %v %s", it.Path, it.State, it.Detail)
		}
	}
	if tu.batch.progress.Value != 4 || len(tu.batch.hashes) != 4 || tu.batch.report.Disabled() {
		t.Errorf("progress %v, %d hashes", tu.batch.progress.Value, len(tu.batch.hashes))
	}

	// Clean all, cancelled while the second file is being cleaned.
	gate, started := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	calls := 0
	tu.eng.clean = func(b []byte, o metadata.Options) (*metadata.Result, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 2 {
			once.Do(func() { close(started) })
			<-gate
		}
		// Cleaning itself is the metadata package's to test; here it only has
		// to take time and give bytes.
		return &metadata.Result{Data: b, Format: photo.Sniff(b), Lossless: true}, nil
	}
	tu.eng.verify = func([]byte, metadata.Options) error { return nil }
	out := t.TempDir()
	tu.batch.CleanAll(out)
	<-started
	tu.uiMu.Lock()
	if !tu.batch.running || tu.batch.stopBtn.Disabled() {
		t.Error("batch not shown as running")
	}
	tu.batch.Cancel()
	tu.uiMu.Unlock()
	close(gate)
	tu.wait()
	states := []batchState{}
	for _, it := range tu.batch.items {
		states = append(states, it.State)
	}
	want := []batchState{batchDone, batchDone, batchCancelled, batchCancelled}
	for i := range want {
		if states[i] != want[i] {
			t.Fatalf("states after cancel %v, want %v", states, want)
		}
	}
	files, _ := os.ReadDir(out)
	if len(files) != 2 || tu.batch.progress.Value != 2 {
		t.Errorf("%d files written, progress %v; want 2", len(files), tu.batch.progress.Value)
	}
	if !strings.Contains(tu.batch.summary.Text, "2 cancelled") {
		t.Errorf("summary %q", tu.batch.summary.Text)
	}
}
