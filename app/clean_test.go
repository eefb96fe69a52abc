package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/inspect"
	"codeberg.org/veil/veil/metadata/verify"
)

// withComment inserts a JPEG comment segment (COM) right after SOI.
func withComment(t *testing.T, path, text string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := len(text) + 2
	seg := append([]byte{0xFF, 0xFE, byte(n >> 8), byte(n)}, text...)
	out := append(append(append([]byte{}, b[:2]...), seg...), b[2:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// sharedFixture returns ../shared/fixtures/<rel> from the repository root, or
// skips the test when the shared material is not present.
func sharedFixture(t *testing.T, rel string) string {
	t.Helper()
	return testenv.Shared(t, "fixtures/"+rel)
}

func TestSaveCleanCopy(t *testing.T) {
	tu := newTestUI(t)
	src := writeJPEG(t, t.TempDir(), 200, 150)
	orig := withComment(t, src, "Taken by Jane Doe at 12 Acacia Avenue")
	st, _ := os.Stat(src)
	tu.openFile(src)
	tu.wait()
	if tu.report == nil || len(tu.report.Findings) == 0 {
		t.Fatalf("inspection found nothing in a file with a comment: %+v", tu.report)
	}
	if !strings.Contains(renderedText(tu.inspectBox), "Acacia") {
		t.Error("the inspect panel does not show the comment")
	}
	if tu.cleaned == nil || len(tu.cleaned.Removed) == 0 {
		t.Fatalf("the panel does not say what will be removed: %+v %v", tu.cleaned, tu.cleanErr)
	}
	tu.saveCleanCopy()
	tu.wait()
	outs, _ := filepath.Glob(filepath.Join(tu.saveTo, "*"))
	if len(outs) != 1 {
		t.Fatalf("outputs %v (status %q)", outs, tu.status.Text)
	}
	b, _ := os.ReadFile(outs[0])
	if bytes.Contains(b, []byte("Acacia")) || bytes.Contains(b, []byte("Jane")) {
		t.Error("the clean copy still holds the comment")
	}
	if err := verify.File(b, metadata.Options{}); err != nil {
		t.Errorf("clean copy fails verification: %v", err)
	}
	unchanged(t, src, orig, st.ModTime())
}

func TestInspectFixtureShowsLocation(t *testing.T) {
	src := sharedFixture(t, "metadata/synthetic/jpeg_exif_gps_orientation6.jpg")
	tu := newTestUI(t)
	tu.openFile(src)
	tu.wait()
	if tu.report == nil {
		t.Fatal("no report")
	}
	text := renderedText(tu.inspectBox)
	if !strings.Contains(text, categoryTitle(kindPhoto, metadata.Location)) {
		t.Errorf("location not shown:\n%s", text)
	}
	// Orientation 6: the editor works in upright pixels (width and height swapped).
	if tu.doc.Orientation != 6 || tu.editor.W != tu.report.Height || tu.editor.H != tu.report.Width {
		t.Errorf("orientation %d, editor %dx%d, stored %dx%d", tu.doc.Orientation, tu.editor.W, tu.editor.H, tu.report.Width, tu.report.Height)
	}
	tu.saveCleanCopy()
	tu.wait()
	outs, _ := filepath.Glob(filepath.Join(tu.saveTo, "*"))
	if len(outs) != 1 {
		t.Fatalf("outputs %v", outs)
	}
	b, _ := os.ReadFile(outs[0])
	rep, err := inspect.File(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Category == metadata.Location {
			t.Errorf("clean copy still reveals %s: %s", f.Field, f.Value)
		}
	}
}
