package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

func TestCleanVideoJSON(t *testing.T) {
	src := t.TempDir()
	out := t.TempDir()
	phone := mp4test.Build(mp4test.Phone())
	frag := mp4test.Phone()
	frag.Fragmented = true
	files := map[string][]byte{
		"IMG_0001.MOV":  phone,
		"clip.mp4":      mp4test.Build(mp4test.Movie{Video: mp4test.Phone().Video}),
		"frag.mp4":      mp4test.Build(frag),
		"list.mp4":      []byte("#EXTM3U\n#EXT-X-VERSION:3\nfile:///etc/hostname\n"),
		"holiday.mkv":   append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 40)...),
		"not-video.txt": []byte("not picked up from a folder"),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(src, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := Run([]string{"clean", "--json", "-o", out, src}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1 (two files refused)", code)
	}
	recs := map[string]cleanRecord{}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r cleanRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		recs[filepath.Base(r.Input)] = r
	}
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5 (the .txt is not picked up): %v", len(recs), recs)
	}
	r := recs["IMG_0001.MOV"]
	if r.Status != "clean" || !r.Lossless || r.Format != "mov" || filepath.Base(r.Output) != "IMG_0001.MOV" || len(r.Removed) == 0 {
		t.Errorf("IMG_0001.MOV: %+v", r)
	}
	b, err := os.ReadFile(r.Output)
	if err != nil {
		t.Fatal(err)
	}
	if err := verify.Video(context.Background(), bytes.NewReader(b), int64(len(b)), metadata.Options{}); err != nil {
		t.Errorf("the clean copy does not verify: %v", err)
	}
	for _, s := range mp4test.Secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the clean copy holds %q", s)
		}
	}
	// The fragmented movie goes through FFmpeg when it is installed.
	wantClean := 2
	if r := recs["frag.mp4"]; r.Status == "clean" {
		wantClean = 3
		if filepath.Ext(r.Output) != ".mp4" || !strings.Contains(strings.Join(r.Removed, ";"), "FFmpeg") {
			t.Errorf("frag.mp4: %+v", r)
		}
	} else if !strings.Contains(r.Error, "fragmented") {
		t.Errorf("frag.mp4: %+v", r)
	}
	for n, want := range map[string]string{"list.mp4": "playlist", "holiday.mkv": "Matroska"} {
		if r := recs[n]; r.Status != "error" || !strings.Contains(r.Error, want) || r.Output != "" {
			t.Errorf("%s: %+v, want a refusal about %q", n, r, want)
		}
		if !strings.Contains(stderr.String(), n+": ") {
			t.Errorf("stderr does not name %s: %q", n, stderr.String())
		}
	}
	left, _ := os.ReadDir(out)
	if len(left) != wantClean {
		t.Errorf("output folder holds %d files, want the %d clean videos", len(left), wantClean)
	}
	if got, _ := os.ReadFile(filepath.Join(src, "IMG_0001.MOV")); !bytes.Equal(got, phone) {
		t.Error("the original changed")
	}
}

func TestInspectVideoJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "IMG_0001.MOV")
	if err := os.WriteFile(p, mp4test.Build(mp4test.Phone()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"inspect", "--json", p}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r inspectJSON
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Format != "mov" || r.Rotation != 90 || r.Orientation != 6 || r.Width != 64 || r.Height != 48 || r.Duration != 2 || len(r.Tracks) != 3 {
		t.Errorf("record: %+v", r)
	}
	cats := map[string]bool{}
	for _, f := range r.Findings {
		cats[f.Category] = true
	}
	for _, c := range []string{"location", "people", "time", "software"} {
		if !cats[c] {
			t.Errorf("no %s finding in %+v", c, r.Findings)
		}
	}
	stdout.Reset()
	if code := Run([]string{"inspect", p}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "MOV video 64x48") || !strings.Contains(stdout.String(), "rotated 90") {
		t.Errorf("text report: %q", stdout.String())
	}
}
