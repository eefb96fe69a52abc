package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/veil/veil/fingerprint"
	"codeberg.org/veil/veil/internal/testenv"
)

// hashTree makes a folder with two photos, a damaged one, a video and a
// text file (which a folder walk skips).
func hashTree(t *testing.T) (dir string, good []string) {
	t.Helper()
	dir = t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(sub, 0o755)
	var photos [][]byte
	for i := 0; i < 2; i++ {
		img := image.NewNRGBA(image.Rect(0, 0, 120+i*10, 90))
		for y := 0; y < 90; y++ {
			for x := 0; x < 120+i*10; x++ {
				img.Set(x, y, color.NRGBA{uint8(x * 2), uint8(y * 3), uint8((x + y*i) % 256), 255})
			}
		}
		var b bytes.Buffer
		jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		photos = append(photos, b.Bytes())
	}
	write := func(p string, b []byte) string {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good = append(good, write(filepath.Join(dir, "a.jpg"), photos[0]))
	good = append(good, write(filepath.Join(sub, "b.jpeg"), photos[1]))
	good = append(good, write(filepath.Join(sub, "clip.mp4"), append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), make([]byte, 1000)...)))
	write(filepath.Join(dir, "notes.txt"), []byte("not a picture"))
	return dir, good
}

func runHashCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(append([]string{"hash"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHashCommandJSON(t *testing.T) {
	dir, good := hashTree(t)
	code, out, errs := runHashCmd("--json", dir, "--dihedral")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON Lines: %q", sc.Text())
		}
		recs = append(recs, m)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3 (the .txt is skipped):\n%s", len(recs), out)
	}
	for i, m := range recs {
		if m["file"] != good[i] {
			t.Errorf("record %d is %v, want %s", i, m["file"], good[i])
		}
		if len(m["sha256"].(string)) != 64 || len(m["md5"].(string)) != 32 {
			t.Errorf("digests %v", m)
		}
	}
	if recs[0]["kind"] != "image" || len(recs[0]["pdq"].(string)) != 64 || len(recs[0]["pdq_dihedral"].([]any)) != 8 {
		t.Errorf("image record %v", recs[0])
	}
	if recs[2]["kind"] != "video" || recs[2]["pdq"] != nil || recs[2]["label"] != fingerprint.VideoLabel || recs[2]["vpdq"] != nil {
		t.Errorf("video record %v", recs[2])
	}
}

// TestHashCommandVideoWords labels a video's MD5 and explains it in plain
// words, only when there is a video.
func TestHashCommandVideoWords(t *testing.T) {
	dir, good := hashTree(t)
	_, out, _ := runHashCmd(dir)
	for _, want := range []string{"This MD5 is the " + fingerprint.VideoLabel, "byte-identical", "Never hash a cleaned or redacted copy"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runHashCmd(good[0])
	if strings.Contains(out, "byte-identical") {
		t.Errorf("video words for a photo:\n%s", out)
	}
}

// TestHashCommandVideoPDQ adds vPDQ to a real (generated) video.
func TestHashCommandVideoPDQ(t *testing.T) {
	testenv.NeedFFmpeg(t)
	p := filepath.Join(t.TempDir(), "clip.mov")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=96x64:r=10:d=2",
		"-c:v", "libx264", "-preset", "ultrafast", p).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, tc := range []struct {
		args   []string
		frames int
	}{{nil, 2}, {[]string{"--video-pdq-seconds", "0"}, 20}, {[]string{"--video-pdq-seconds=0.5", "--video-pdq-simd"}, 4}} {
		code, out, errs := runHashCmd(append([]string{"--json", "--video-pdq", p}, tc.args...)...)
		var rec struct {
			MD5  string
			VPDQ struct {
				Frames    []string
				PixelPath string `json:"pixel_path"`
			}
		}
		if err := json.Unmarshal([]byte(out), &rec); code != 0 || err != nil || len(rec.VPDQ.Frames) != tc.frames || len(rec.MD5) != 32 {
			t.Errorf("%v: exit %d, %d frames: %v %s\n%s", tc.args, code, len(rec.VPDQ.Frames), err, errs, out)
		}
		if simd := strings.Contains(rec.VPDQ.PixelPath, "SIMD"); simd != slices.Contains(tc.args, "--video-pdq-simd") {
			t.Errorf("%v: pixel path %q", tc.args, rec.VPDQ.PixelPath)
		}
	}
	code, out, _ := runHashCmd("--video-pdq", p)
	if code != 0 || !strings.Contains(out, "vPDQ") || !strings.Contains(out, "2 frame hashes, one a second") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	if code, _, errs := runHashCmd("--video-pdq-seconds", "-1", p); code != 2 || !strings.Contains(errs, "between 0") {
		t.Errorf("negative interval: exit %d %s", code, errs)
	}
}

func TestHashCommandProblems(t *testing.T) {
	dir, good := hashTree(t)
	b, _ := os.ReadFile(good[0])
	broken := filepath.Join(dir, "broken.jpg")
	os.WriteFile(broken, b[:len(b)/2], 0o600)
	code, out, _ := runHashCmd(dir, filepath.Join(dir, "missing.jpg"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"broken.jpg", "corrupt jpeg data", "missing.jpg", "no such file", "PDQ", "SHA-256", "2 with problems", "original files"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The damaged photo still gets its digests.
	i := strings.Index(out, "broken.jpg")
	if block := out[i:]; !strings.Contains(block[:strings.Index(block, "error")], "MD5") {
		t.Errorf("no MD5 for the damaged photo:\n%s", out)
	}
}

func TestHashCommandReport(t *testing.T) {
	dir, _ := hashTree(t)
	out := t.TempDir()
	for _, ext := range []string{".json", ".csv", ".pdf"} {
		rep := filepath.Join(out, "report"+ext)
		if code, _, errs := runHashCmd(dir, "--report", rep); code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, errs)
		}
		b, err := os.ReadFile(rep)
		if err != nil {
			t.Fatal(err)
		}
		if ext != ".pdf" && bytes.Contains(b, []byte(dir)) {
			t.Errorf("%s report names files without --with-names", ext)
		}
		// Never overwritten.
		if code, _, errs := runHashCmd(dir, "--report", rep); code != 2 || !strings.Contains(errs, "already exists") {
			t.Errorf("second run: exit %d %s", code, errs)
		}
	}
	named := filepath.Join(out, "named.csv")
	if code, _, _ := runHashCmd("--with-names", "--report", named, dir); code != 0 {
		t.Fatal("with names failed")
	}
	if b, _ := os.ReadFile(named); !bytes.Contains(b, []byte("a.jpg")) {
		t.Error("--with-names report lacks the names")
	}
}

func TestHashCommandUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--report", "x.txt", "a.jpg"}, {"--nope", "a.jpg"}} {
		if code, _, _ := runHashCmd(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	code, out, _ := runHashCmd("-h")
	if code != 0 || !strings.Contains(out, "ORIGINAL") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
}
