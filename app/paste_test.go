package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestClipboardPaths(t *testing.T) {
	type test struct {
		text string
		want []string
	}
	tests := []test{
		{"", nil},
		{"holiday photo", nil},
		{"relative/photo.jpg", nil},
	}
	if runtime.GOOS == "windows" {
		tests = append(tests,
			test{`C:\Users\Jane\photo.jpg`, []string{`C:\Users\Jane\photo.jpg`}},
			test{"file:///C:/Users/Jane/My%20photo.jpg\r\nfile:///D:/b.png\n", []string{`C:\Users\Jane\My photo.jpg`, `D:\b.png`}},
			test{"/home/jane/photo.jpg", nil}, // no drive: not a file name here
		)
	} else {
		tests = append(tests,
			test{"/home/jane/photo.jpg", []string{"/home/jane/photo.jpg"}},
			test{"file:///home/jane/My%20photo.jpg\r\nfile:///home/jane/b.png\n", []string{"/home/jane/My photo.jpg", "/home/jane/b.png"}},
			test{"  /tmp/a.jpg  \n\n/tmp/b.jpg", []string{"/tmp/a.jpg", "/tmp/b.jpg"}},
		)
	}
	for _, tc := range tests {
		got := clipboardPaths(tc.text)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("clipboardPaths(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestPastePicture pastes a copied picture (no file behind it): it opens,
// faces are found, and a clean copy and a redacted copy can be saved.
func TestPastePicture(t *testing.T) {
	tu := newTestUI(t)
	img := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(5, 5, color.NRGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	reads := 0
	tu.clipImage = func() ([]byte, error) { reads++; return buf.Bytes(), nil }
	tu.app.Clipboard().SetContent("")
	test.Tap(findButton(t, tu.win.Content(), "Paste"))
	tu.wait()
	if reads != 1 {
		t.Fatalf("clipboard picture read %d times, want 1", reads)
	}
	if tu.doc == nil {
		t.Fatal("the pasted picture did not open")
	}
	if tu.doc.Path != "" || tu.doc.W != 640 || tu.doc.H != 480 {
		t.Errorf("pasted document: path %q, %dx%d", tu.doc.Path, tu.doc.W, tu.doc.H)
	}
	if !tu.detected || len(tu.hist.Regions()) != 1 {
		t.Errorf("faces not looked for in the pasted picture (%d regions)", len(tu.hist.Regions()))
	}
	tu.saveRedacted()
	tu.wait()
	tu.saveCleanCopy()
	tu.wait()
	saved, _ := filepath.Glob(filepath.Join(tu.saveTo, "*"))
	if len(saved) != 2 {
		t.Fatalf("saved %v, want a redacted and a clean copy", saved)
	}
	for _, p := range saved {
		if b, err := os.ReadFile(p); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestPastePrefersFiles: copied files are opened from disk (keeping what
// they reveal), and the clipboard's picture is not even read.
func TestPastePrefersFiles(t *testing.T) {
	tu := newTestUI(t)
	p := writeJPEG(t, t.TempDir(), 320, 240)
	tu.clipImage = func() ([]byte, error) {
		t.Error("picture read although a file was copied")
		return nil, errors.New("no")
	}
	tu.app.Clipboard().SetContent("file://" + p)
	test.Tap(findButton(t, tu.win.Content(), "Paste"))
	tu.wait()
	if tu.doc == nil || tu.doc.Path != p {
		t.Fatalf("copied file not opened (doc %+v)", tu.doc)
	}
}

// TestPasteNothing: an empty clipboard gives one calm line.
func TestPasteNothing(t *testing.T) {
	tu := newTestUI(t)
	tu.clipImage = func() ([]byte, error) { return nil, errNoClipboardPhoto() }
	tu.app.Clipboard().SetContent("")
	test.Tap(findButton(t, tu.win.Content(), "Paste"))
	tu.wait()
	if tu.doc != nil {
		t.Fatal("something opened from an empty clipboard")
	}
	ov := tu.win.Canvas().Overlays().Top()
	if ov == nil || !strings.Contains(renderedText(ov), "The clipboard holds no photo") {
		t.Errorf("no message for an empty clipboard")
	}
}

// TestShortcutsReachWindowFromEditor: with the photo editor focused (it
// takes undo and redo itself), Ctrl+V still pastes.
func TestShortcutsReachWindowFromEditor(t *testing.T) {
	tu := newTestUI(t)
	p := writeJPEG(t, t.TempDir(), 320, 240)
	tu.app.Clipboard().SetContent(p)
	tu.win.Canvas().Focus(tu.editor)
	tu.editor.TypedShortcut(&fyne.ShortcutPaste{Clipboard: tu.app.Clipboard()})
	tu.wait()
	if tu.doc == nil || tu.doc.Path != p {
		t.Fatalf("Ctrl+V in the editor did not paste (doc %+v)", tu.doc)
	}
}

// TestPasteCopiedFiles: files copied in the file manager as a file list (as
// Explorer does, with no text) are opened from disk.
func TestPasteCopiedFiles(t *testing.T) {
	tu := newTestUI(t)
	p := writeJPEG(t, t.TempDir(), 320, 240)
	tu.clipFiles = func() []string { return []string{p} }
	tu.clipImage = func() ([]byte, error) {
		t.Error("picture read although a file was copied")
		return nil, errors.New("no")
	}
	tu.app.Clipboard().SetContent("")
	test.Tap(findButton(t, tu.win.Content(), "Paste"))
	tu.wait()
	if tu.doc == nil || tu.doc.Path != p {
		t.Fatalf("copied file not opened (doc %+v)", tu.doc)
	}
}
