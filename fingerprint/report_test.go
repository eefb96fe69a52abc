package fingerprint

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"codeberg.org/veil/veil/internal/testenv"
)

// sampleResults covers every kind of row a report shows.
func sampleResults() []Result {
	return []Result{
		{File: "/home/sam/Pictures/beach.jpg", Kind: KindImage, Size: 2481234,
			SHA256: "0c5a1a7cc8a7e8b1f2d6bb3b9b1d1e8f0a8b7c6d5e4f30211223344556677889", MD5: "8bbbaa9540800e378beadc8bbef7bb32",
			PDQ: "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", PDQQuality: 100},
		{File: "/home/sam/Pictures/turned.jpg", Kind: KindImage, Size: 1200,
			SHA256: "93aa0ba454d3805e02be04a883b839a85bee83d0cbac3d306331584c1ebec0c6", MD5: "0d12d4462273b533b9197f78b9aeb0d7",
			PDQ: "30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af", PDQQuality: 32,
			PDQUpright: "a5f0a457248995e8c9065c275aaa5498b61ba4bdf8fcf80387c32f8b5bfc4f05",
			Warnings:   []string{QualityWarning(32), "stored turned"}},
		{File: "/home/sam/Videos/clip.mp4", Kind: KindVideo, Size: 73400320, Label: VideoLabel,
			SHA256: "5c4695cfb1ebcb82f963063b1a6bdeb46e906506c8be5ab12b6d1015f0eead12", MD5: "0f8fa4463283895f5db02dead0186e78"},
		{File: "/home/sam/=cmd|' /C calc'!A0.jpg", Kind: KindImage, Size: 1960703,
			SHA256: "dcc801f45d7607d82661d08c4c6b188bdbf3129b55f7612830a6dc3fea573023", MD5: "b488f6de4f7389fddee9342864397060",
			Error: "corrupt jpeg data: premature end of data segment; no PDQ hash (a damaged picture would give a wrong one)"},
		{File: "/home/sam/Videos/IMG_0042.MOV", Kind: KindVideo, Size: 439391, Label: VideoLabel,
			SHA256: "1842a05bd1ae43a1c86b7ab2f56b8b1bd0e4d03ce8e1f7dbbe1b22ef0d8fa7a3", MD5: "6e0f1c54ab08aa5e42c2fe1c4e0f1b12",
			VPDQ: &VideoPDQ{Frames: []string{
				"dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,100,0.000",
				"dad3999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c,97,1.001",
				"0000000000000000000000000000000000000000000000000000000000000000,0,2.002",
			}, SecondsPerHash: 1, FrameRate: 29.97, Usable: 2, PixelPath: "FFmpeg 5.1.9-0+deb12u1, plain C (-cpuflags 0)"}},
	}
}

var created = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testenv.Golden(t, name, got)
}

func TestReportGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []Result, ReportOptions) error
		names bool
	}{
		{"report.json", func(b *bytes.Buffer, r []Result, o ReportOptions) error { return WriteJSON(b, r, o) }, false},
		{"report-names.json", func(b *bytes.Buffer, r []Result, o ReportOptions) error { return WriteJSON(b, r, o) }, true},
		{"report.csv", func(b *bytes.Buffer, r []Result, o ReportOptions) error { return WriteCSV(b, r, o) }, false},
		{"report-names.csv", func(b *bytes.Buffer, r []Result, o ReportOptions) error { return WriteCSV(b, r, o) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, sampleResults(), ReportOptions{WithNames: tc.names, Created: created}); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, b.Bytes())
			has := bytes.Contains(b.Bytes(), []byte("sam"))
			if has != tc.names {
				t.Errorf("names present: %v, want %v", has, tc.names)
			}
		})
	}
}

func TestReportNotes(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleResults(), ReportOptions{Created: created}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Created string
		Notes   []string
		Files   []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Created != "2026-03-14T15:09:26Z" || len(rep.Files) != 5 || !strings.Contains(strings.Join(rep.Notes, " "), "original files") {
		t.Errorf("%+v", rep)
	}
	if _, ok := rep.Files[2]["pdq_quality"]; ok {
		t.Error("video row has pdq_quality")
	}
	// The CSV defuses a formula in a file name.
	b.Reset()
	WriteCSV(&b, sampleResults(), ReportOptions{WithNames: true, Created: created})
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !strings.HasPrefix(rows[4][0], "/home") {
		t.Errorf("rows %v", rows)
	}
	for in, want := range map[string]string{"=1+2": "'=1+2", "+x": "'+x", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "a=b": "a=b", "": ""} {
		if got := cellSafe(in); got != want {
			t.Errorf("cellSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReportVideoNotes explains a video's MD5, and vPDQ, only in reports
// that have them, and keeps a vPDQ list too long for a spreadsheet cell
// out of the CSV.
func TestReportVideoNotes(t *testing.T) {
	all := sampleResults()
	for _, tc := range []struct {
		results     []Result
		video, vpdq bool
	}{{all[:2], false, false}, {all[:3], true, false}, {all, true, true}} {
		n := strings.Join(notes(tc.results), " ")
		if strings.Contains(n, "byte-identical") != tc.video || strings.Contains(n, "vPDQ is") != tc.vpdq {
			t.Errorf("%d results: notes %q", len(tc.results), n)
		}
	}
	long := all[4]
	v := *long.VPDQ
	for len(v.Frames) < 1000 {
		v.Frames = append(v.Frames, v.Frames[0])
	}
	long.VPDQ = &v
	var b bytes.Buffer
	if err := WriteCSV(&b, []Result{long}, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	last := rows[1][len(rows[1])-1]
	if !strings.Contains(last, "see the JSON report") || rows[1][len(rows[1])-3] != "1000" {
		t.Errorf("long vPDQ cell: %q", last)
	}
}

func TestWritePDF(t *testing.T) {
	var many []Result
	for range 12 {
		many = append(many, sampleResults()...)
	}
	for _, rs := range [][]Result{nil, sampleResults(), many} {
		var b bytes.Buffer
		if err := WritePDF(&b, rs, ReportOptions{Created: created}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-1.")) || !bytes.Contains(b.Bytes(), []byte("%%EOF")) {
			t.Fatalf("not a PDF: %q", b.Bytes()[:min(20, b.Len())])
		}
		var again bytes.Buffer
		WritePDF(&again, rs, ReportOptions{Created: created})
		if !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Error("PDF output is not deterministic")
		}
	}
	if os.Getenv("VEIL_PDF_OUT") != "" {
		var b bytes.Buffer
		WritePDF(&b, sampleResults(), ReportOptions{Created: created, WithNames: true})
		os.WriteFile(os.Getenv("VEIL_PDF_OUT"), b.Bytes(), 0o600)
	}
}

// FuzzReports: arbitrary text in results never breaks the writers, the
// JSON stays valid and the CSV keeps one row per file.
func FuzzReports(f *testing.F) {
	f.Add("/home/x/a.jpg", "warn", "err", "image", int64(5), true)
	f.Add("=1+2", "\x00\xff\n\"", "\r\n,\"", "video", int64(-1), false)
	f.Add("日本語 ñ €", "ü", strings.Repeat("x", 500), "", int64(1<<40), true)
	f.Fuzz(func(t *testing.T, name, warn, errText, kind string, size int64, names bool) {
		rs := []Result{{File: name, Kind: kind, Size: size, MD5: warn, PDQ: errText, Warnings: []string{warn, name}, Error: errText, PDQDihedral: []string{name}}, sampleResults()[0]}
		opt := ReportOptions{WithNames: names, Created: created}
		var b bytes.Buffer
		if err := WriteJSON(&b, rs, opt); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b.Bytes()) {
			t.Fatalf("invalid JSON: %s", b.Bytes())
		}
		b.Reset()
		if err := WriteCSV(&b, rs, opt); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("CSV: %d rows, %v", len(rows), err)
		}
		b.Reset()
		if err := WritePDF(&b, rs, opt); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}
