package fingerprint

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"codeberg.org/veil/veil/fingerprint/pdq"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/photo"
)

// picture is a photo-like picture built in code.
func picture(w, h int, seed uint64) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 13))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := rng.Float64()*float64(w), rng.Float64()*float64(h), float64(min(w, h))/3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := img.PixOffset(x, y)
			red, green, blue := 255*x/w, 255*y/h, 90+(x/9+y/13)%5*20
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy < r*r {
				red, green = 255-red, (green+120)%256
			}
			n := rng.IntN(5) - 2
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = u8(red+n), u8(green+n), u8(blue+n), 255
		}
	}
	return img
}

func u8(v int) uint8 { return uint8(max(0, min(255, v))) }

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation inserts an EXIF APP1 segment with the given orientation
// right after SOI.
func withOrientation(jpg []byte, o int) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00")
	binary.BigEndian.PutUint16(tiff[18:], uint16(o))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func digests(b []byte) (string, string) {
	m, s := md5.Sum(b), sha256.Sum256(b)
	return hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
}

func TestHashBytesImage(t *testing.T) {
	pic := picture(640, 520, 1)
	jpg := jpegOf(t, pic)
	r := HashBytes("a.jpg", jpg, Options{Dihedral: true})
	if !r.OK() || r.Kind != KindImage || r.Size != int64(len(jpg)) {
		t.Fatalf("%+v", r)
	}
	m, s := digests(jpg)
	if r.MD5 != m || r.SHA256 != s {
		t.Errorf("digests %s %s, want %s %s", r.MD5, r.SHA256, m, s)
	}
	// The PDQ hash is that of the fully decoded picture (the sampled fast
	// path must not change it).
	img, _, err := photo.Decode(jpg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pdq.Compute(img, pdq.IsGrey(img), true)
	if err != nil {
		t.Fatal(err)
	}
	if r.PDQ != want.Hash.String() || r.PDQQuality != want.Quality {
		t.Errorf("pdq %s q%d, full decode gives %s q%d", r.PDQ, r.PDQQuality, want.Hash, want.Quality)
	}
	if len(r.PDQDihedral) != 8 || r.PDQDihedral[0] != r.PDQ || r.PDQDihedral[3] != want.Dihedral[3].String() {
		t.Errorf("dihedral %v", r.PDQDihedral)
	}
	if r.PDQUpright != "" || len(r.Warnings) != 0 {
		t.Errorf("upright %q warnings %v for orientation 1", r.PDQUpright, r.Warnings)
	}
	// PNG of the same picture: near (a different decoder path), never empty.
	rp := HashBytes("a.png", pngOf(t, pic), Options{})
	hj, _ := pdq.Parse(r.PDQ)
	hp, err := pdq.Parse(rp.PDQ)
	if err != nil || pdq.Distance(hj, hp) > 20 {
		t.Errorf("PNG of the same picture: %s (%v)", rp.PDQ, err)
	}
}

// TestOrientation: the primary hash ignores EXIF orientation (as the
// reference does); pdq_upright is the hash of the picture as shown.
func TestOrientation(t *testing.T) {
	pic := picture(640, 400, 2)
	jpg := jpegOf(t, pic)
	plain := HashBytes("p.jpg", jpg, Options{})
	for _, o := range []int{3, 6, 8, 5} {
		r := HashBytes("o.jpg", withOrientation(jpg, o), Options{})
		if !r.OK() {
			t.Fatal(r.Error)
		}
		if r.PDQ != plain.PDQ {
			t.Errorf("orientation %d changed the primary hash", o)
		}
		img, _, _ := photo.Decode(jpg)
		up, _, err := pdq.HashImage(photo.Orient(img, o))
		if err != nil {
			t.Fatal(err)
		}
		if r.PDQUpright != up.String() {
			t.Errorf("orientation %d: upright %s, want %s", o, r.PDQUpright, up)
		}
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "orientation") {
			t.Errorf("orientation %d: warnings %v", o, r.Warnings)
		}
	}
	// The same through the generic (non-JPEG) path.
	img, _, _ := photo.Decode(jpg)
	p := pngOf(t, img)
	r := HashBytes("x.png", p, Options{})
	if r.PDQ != plain.PDQ || r.PDQUpright != "" {
		t.Errorf("PNG of the decoded JPEG: %s, want %s", r.PDQ, plain.PDQ)
	}
}

func TestHashBytesProblems(t *testing.T) {
	jpg := jpegOf(t, picture(300, 200, 3))
	flat := image.NewGray(image.Rect(0, 0, 100, 100))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	for _, tc := range []struct {
		name    string
		b       []byte
		kind    string
		errPart string
		warn    string
	}{
		{"truncated jpeg", jpg[:len(jpg)*2/3], KindImage, "corrupt jpeg data", ""},
		{"garbage", []byte("hello, this is not a picture"), KindImage, "not a supported image", ""},
		{"tiny", pngOf(t, picture(4, 4, 4)), KindImage, "too small", ""},
		{"flat", pngOf(t, flat), KindImage, "", "Quality 0 is below 50"},
		{"empty", nil, KindImage, "empty", ""},
		{"mp4", append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), make([]byte, 100)...), KindVideo, "", ""},
		{"webm", append([]byte{0x1A, 0x45, 0xDF, 0xA3}, make([]byte, 50)...), KindVideo, "", ""},
		{"avi", []byte("RIFF\x10\x00\x00\x00AVI LIST"), KindVideo, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := HashBytes(tc.name, tc.b, Options{})
			if r.Kind != tc.kind {
				t.Errorf("kind %q", r.Kind)
			}
			if tc.errPart == "" && r.Error != "" || !strings.Contains(r.Error, tc.errPart) {
				t.Errorf("error %q, want %q", r.Error, tc.errPart)
			}
			if tc.errPart != "" && (r.PDQ != "" || r.PDQDihedral != nil) {
				t.Errorf("a PDQ hash for a file that failed: %q", r.PDQ)
			}
			if tc.warn != "" && (len(r.Warnings) == 0 || !strings.Contains(r.Warnings[0], tc.warn)) {
				t.Errorf("warnings %v, want %q", r.Warnings, tc.warn)
			}
			if len(tc.b) > 0 {
				m, s := digests(tc.b)
				if r.MD5 != m || r.SHA256 != s {
					t.Error("digests missing or wrong")
				}
			}
			if tc.kind == KindVideo && r.PDQ != "" {
				t.Error("a video got a PDQ hash")
			}
		})
	}
}

func TestJSONQualityOnlyWithPDQ(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want bool
	}{
		{Result{Kind: KindVideo, MD5: "x"}, false},
		{Result{Kind: KindImage, Error: "broken"}, false},
		{Result{Kind: KindImage, PDQ: strings.Repeat("0", 63) + "1", PDQQuality: 0}, true},
	} {
		b, err := json.Marshal(tc.r)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), `"pdq_quality"`); got != tc.want {
			t.Errorf("%s: pdq_quality present %v, want %v", b, got, tc.want)
		}
	}
}

// TestHashFile covers the streamed path for videos and the file checks.
func TestHashFile(t *testing.T) {
	dir := t.TempDir()
	video := make([]byte, 5<<20+123)
	copy(video, "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 64; i < len(video); i++ {
		video[i] = byte(rng.Uint32())
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vp := write("clip.mov", video)
	r := HashFile(vp, Options{})
	m, s := digests(video)
	if r.Kind != KindVideo || r.MD5 != m || r.SHA256 != s || r.Size != int64(len(video)) || !r.OK() {
		t.Errorf("video: %+v", r)
	}
	// A QuickTime file starting with another atom is known by its name.
	mdat := append([]byte("\x00\x00\x00\x08wide\x00\x00\x10\x00mdat"), make([]byte, 300)...)
	if r := HashFile(write("b.mov", mdat), Options{}); r.Kind != KindVideo {
		t.Errorf("mov starting with wide: %s", r.Kind)
	}
	jp := write("x.jpg", jpegOf(t, picture(100, 80, 5)))
	if r := HashFile(jp, Options{}); !r.OK() || r.PDQ == "" || r.File != jp {
		t.Errorf("jpeg: %+v", r)
	}
	if r := HashFile(filepath.Join(dir, "missing.jpg"), Options{}); r.OK() || !strings.Contains(r.Error, "no such file") {
		t.Errorf("missing: %+v", r)
	}
	if r := HashFile(dir, Options{}); r.OK() {
		t.Errorf("folder: %+v", r)
	}
}

func TestHashAll(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := 0; i < 7; i++ {
		p := filepath.Join(dir, string(rune('a'+i))+".png")
		os.WriteFile(p, pngOf(t, picture(60+i, 50, uint64(i))), 0o600)
		paths = append(paths, p)
	}
	paths = append(paths, filepath.Join(dir, "missing.png"))
	var mu sync.Mutex
	var seen []int
	res := HashAll(context.Background(), paths, Options{}, 3, func(done, total int) {
		mu.Lock()
		seen = append(seen, done)
		mu.Unlock()
		if total != len(paths) {
			t.Errorf("total %d", total)
		}
	})
	if len(res) != len(paths) || len(seen) != len(paths) || seen[len(seen)-1] != len(paths) {
		t.Fatalf("%d results, progress %v", len(res), seen)
	}
	for i, r := range res {
		if r.File != paths[i] {
			t.Errorf("result %d is %s, want %s", i, r.File, paths[i])
		}
		if want := HashFile(paths[i], Options{}); r.PDQ != want.PDQ || r.SHA256 != want.SHA256 {
			t.Errorf("%s: batch and single results differ", paths[i])
		}
	}
	if res[len(res)-1].OK() {
		t.Error("missing file hashed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range HashAll(ctx, paths, Options{}, 2, nil) {
		if r.Error != "cancelled" {
			t.Errorf("after cancel: %+v", r)
		}
	}
}

// sharedRoot returns ../shared next to the repository root, or "".
func sharedRoot() string {
	p, ok := testenv.SharedPath("fixtures")
	if !ok {
		return ""
	}
	return p
}

// TestDigestsMatchCoreutils: MD5 and SHA-256 of every fixture file equal
// crypto's and md5sum/sha256sum's.
func TestDigestsMatchCoreutils(t *testing.T) {
	root := sharedRoot()
	if root == "" {
		t.Skip("../shared/fixtures not present: no files to compare")
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 30 {
		t.Fatalf("only %d fixture files", len(files))
	}
	tools := map[string]map[string]string{}
	for _, tool := range []string{"md5sum", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not installed: comparing with crypto only", tool)
			continue
		}
		out, err := exec.Command(tool, files...).Output()
		if err != nil {
			t.Fatal(err)
		}
		sums := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if sum, name, ok := strings.Cut(line, "  "); ok {
				sums[name] = sum
			}
		}
		tools[tool] = sums
	}
	if testing.Short() {
		// The race detector makes the big HEIC decodes take minutes.
		var small []string
		for _, f := range files {
			if st, err := os.Stat(f); err == nil && st.Size() < 512<<10 && !strings.HasSuffix(strings.ToLower(f), ".heic") {
				small = append(small, f)
			}
		}
		files = small[:min(len(small), 40)]
	}
	res := HashAll(context.Background(), files, Options{}, 0, nil)
	for i, r := range res {
		b, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		m, s := digests(b)
		if r.MD5 != m || r.SHA256 != s {
			t.Errorf("%s: %s %s, crypto gives %s %s", files[i], r.MD5, r.SHA256, m, s)
		}
		if sums, ok := tools["md5sum"]; ok && sums[files[i]] != r.MD5 {
			t.Errorf("%s: md5sum says %s", files[i], sums[files[i]])
		}
		if sums, ok := tools["sha256sum"]; ok && sums[files[i]] != r.SHA256 {
			t.Errorf("%s: sha256sum says %s", files[i], sums[files[i]])
		}
		if r.PDQ != "" && (len(r.PDQ) != 64 || r.Error != "") {
			t.Errorf("%s: pdq %q with error %q", files[i], r.PDQ, r.Error)
		}
	}
}

// TestReferenceThroughHashFile: the whole pipeline (file → fast sampled JPEG
// path → PDQ) gives the reference's values for every row.
func TestReferenceThroughHashFile(t *testing.T) {
	root := sharedRoot()
	if root == "" {
		t.Skip("../shared/fixtures/pdq not present")
	}
	dir := filepath.Join(root, "pdq")
	data, err := os.ReadFile(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Skipf("../shared/fixtures/pdq not present: %v", err)
	}
	rows := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, row := range rows {
		f := strings.Split(row, "\t")
		r := HashFile(filepath.Join(dir, f[0]), Options{})
		if got := r.PDQ + " " + itoa(r.PDQQuality); got != f[1]+" "+f[2] {
			t.Errorf("%s: got %s, want %s %s (%s)", f[0], got, f[1], f[2], r.Error)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var (
	big12Once sync.Once
	big12     []byte
)

func jpeg12MP(b testing.TB) []byte {
	big12Once.Do(func() { big12 = jpegOf(b, picture(4000, 3000, 99)) })
	return big12
}

// BenchmarkHashJPEG12MP is PDQ of a 12 MP JPEG, decoding included, plus the
// digests: the figure for "at most 60 ms of CPU".
func BenchmarkHashJPEG12MP(b *testing.B) {
	data := jpeg12MP(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if r := HashBytes("x.jpg", data, Options{}); !r.OK() {
			b.Fatal(r.Error)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkHashBatch hashes 16 different 12 MP JPEG files through HashAll
// with both cores; compare its cpu-ms/op with its ns/op to see the cores used.
func BenchmarkHashBatch(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for i := range 16 {
		p := filepath.Join(dir, fmt.Sprintf("%02d.jpg", i))
		if i == 0 {
			os.WriteFile(p, jpeg12MP(b), 0o600)
		} else {
			// Same pixels, different bytes: enough to defeat any caching.
			os.WriteFile(p, append(bytes.Clone(jpeg12MP(b)), byte(i)), 0o600)
		}
		paths = append(paths, p)
	}
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		for _, r := range HashAll(context.Background(), paths, Options{}, 0, nil) {
			if !r.OK() {
				b.Fatal(r.Error)
			}
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N*len(paths)), "cpu-ms/file")
}

// BenchmarkHashJPEG12MPUpright adds the upright hash (EXIF orientation 6),
// from the same single decoding pass.
func BenchmarkHashJPEG12MPUpright(b *testing.B) {
	data := withOrientation(jpeg12MP(b), 6)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		if r := HashBytes("x.jpg", data, Options{}); !r.OK() || r.PDQUpright == "" {
			b.Fatal(r.Error)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// TestOneBitAndPalettePNG: a 1-bit PNG and an 8-bit palette PNG hash like
// the greyscale and RGB pictures they store (the reference sees the same
// pixels through ImageMagick).
func TestOneBitAndPalettePNG(t *testing.T) {
	const w, h = 96, 64
	bw := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Gray{0}, color.Gray{255}})
	grey := image.NewGray(bw.Rect)
	pal := image.NewPaletted(bw.Rect, color.Palette{color.NRGBA{200, 30, 40, 255}, color.NRGBA{10, 150, 90, 255}, color.NRGBA{250, 250, 20, 255}})
	rgb := image.NewNRGBA(bw.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			on := (x*x+y*3)%97 < 40 || (x/8+y/8)%3 == 0
			i := y*w + x
			if on {
				bw.Pix[i], grey.Pix[i] = 1, 255
			}
			k := uint8((x/6 + y/5) % 3)
			pal.Pix[i] = k
			c := pal.Palette[k].(color.NRGBA)
			rgb.SetNRGBA(x, y, c)
		}
	}
	oneBit := pngOf(t, bw)
	if oneBit[24] != 1 { // IHDR bit depth
		t.Fatalf("encoder wrote bit depth %d, want 1", oneBit[24])
	}
	for _, tc := range []struct {
		name string
		a, b []byte
	}{
		{"1-bit", oneBit, pngOf(t, grey)},
		{"palette", pngOf(t, pal), pngOf(t, rgb)},
	} {
		ra, rb := HashBytes("a", tc.a, Options{}), HashBytes("b", tc.b, Options{})
		if !ra.OK() || ra.PDQ != rb.PDQ || ra.PDQQuality != rb.PDQQuality {
			t.Errorf("%s: %s q%d (%s), plain picture %s q%d", tc.name, ra.PDQ, ra.PDQQuality, ra.Error, rb.PDQ, rb.PDQQuality)
		}
	}
}
