package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// filesUnder lists every file under dir, hidden ones included.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	return names
}

var errInjected = errors.New("injected verification failure")

// TestSaveFailedCheckLeavesNoFile: when the copy read back from disk fails
// its check, each of the app's save paths reports it and leaves no file,
// under the chosen name or any other.
func TestSaveFailedCheckLeavesNoFile(t *testing.T) {
	for name, save := range map[string]func(tu *testUI){
		"clean copy":    func(tu *testUI) { tu.saveCleanCopy() },
		"redacted copy": func(tu *testUI) { tu.saveRedacted() },
	} {
		t.Run(name, func(t *testing.T) {
			tu := newTestUI(t)
			src := writeJPEG(t, t.TempDir(), 200, 150)
			withComment(t, src, "Taken by Jane Doe at 12 Acacia Avenue")
			tu.openFile(src)
			tu.wait()
			if tu.doc == nil || len(tu.hist.Regions()) == 0 {
				t.Fatalf("photo not opened with its fake face: %q", tu.status.Text)
			}
			tu.eng.verify = func([]byte, metadata.Options) error { return errInjected }
			save(tu)
			tu.wait()
			if left := filesUnder(t, tu.saveTo); len(left) != 0 {
				t.Errorf("a copy that failed its check was left: %v", left)
			}
			ov := tu.win.Canvas().Overlays().Top()
			if ov == nil || !strings.Contains(renderedText(ov), errInjected.Error()) {
				t.Errorf("the failure is not shown (status %q)", tu.status.Text)
			}
		})
	}
}

// TestCleanAllFailedCheckLeavesNoFile: "Clean all" marks a file whose
// written copy fails its check as failed and leaves no copy of it, while the
// other files are saved.
func TestCleanAllFailedCheckLeavesNoFile(t *testing.T) {
	tu := newTestUI(t)
	dir := t.TempDir()
	for _, sub := range []string{"a", "b", "c"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
		withComment(t, writeJPEG(t, filepath.Join(dir, sub), 120, 90), "photo "+sub)
	}
	tu.openPaths([]string{dir})
	if len(tu.batch.items) != 3 {
		t.Fatalf("%d batch items", len(tu.batch.items))
	}
	// The cleaner passes the bytes through, so the check can tell the copies
	// apart by their comment; it fails only the copy of photo b.
	tu.eng.clean = func(b []byte, o metadata.Options) (*metadata.Result, error) {
		return &metadata.Result{Data: b, Format: photo.Sniff(b), Lossless: true}, nil
	}
	tu.eng.verify = func(b []byte, o metadata.Options) error {
		if bytes.Contains(b, []byte("photo b")) {
			return errInjected
		}
		return nil
	}
	out := t.TempDir()
	tu.batch.CleanAll(out)
	tu.wait()
	for i, it := range tu.batch.items {
		want := batchDone
		if i == 1 {
			want = batchFailed
		}
		if it.State != want {
			t.Errorf("%s: state %v (%s), want %v", it.Path, it.State, it.Detail, want)
		}
	}
	if d := tu.batch.items[1].Detail; !strings.Contains(d, errInjected.Error()) {
		t.Errorf("the failed file says %q", d)
	}
	left := filesUnder(t, out)
	if len(left) != 2 {
		t.Fatalf("output folder holds %v, want only the 2 copies that passed", left)
	}
	for _, p := range left {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("photo b")) {
			t.Errorf("%s is the copy that failed its check", p)
		}
	}
}

// BenchmarkCleanAll cleans the corpus JPEGs (../shared/fixtures/metadata)
// with "Clean all" into a fresh folder per run: one photo cleaned at a time,
// its verified write overlapping the next ones (cleanWriters).
func BenchmarkCleanAll(b *testing.B) {
	var files []string
	filepath.WalkDir(testenv.Shared(b, "fixtures/metadata"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && photo.FormatForName(p) == photo.JPEG {
			files = append(files, p)
		}
		return nil
	})
	tu := newTestUI(b)
	tu.batch.Add(files)
	b.ResetTimer()
	for b.Loop() {
		tu.batch.CleanAll(b.TempDir())
		tu.wait()
	}
	b.ReportMetric(float64(len(files)), "files/op")
}
