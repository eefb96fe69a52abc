package inspect

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/mp4/mp4test"
	"codeberg.org/veil/veil/internal/testenv"
	"codeberg.org/veil/veil/metadata"
)

// has reports whether r holds a finding of category c whose field or value
// contains s.
func has(r *metadata.Report, c metadata.Category, s string) bool {
	for _, f := range r.Findings {
		if f.Category == c && (strings.Contains(f.Field, s) || strings.Contains(f.Value, s)) {
			return true
		}
	}
	return false
}

func TestInspectPhoneMovie(t *testing.T) {
	p := filepath.Join(t.TempDir(), "IMG_0001.MOV")
	if err := os.WriteFile(p, mp4test.Build(mp4test.Phone()), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Video(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		c metadata.Category
		s string
	}{
		{metadata.Location, "48.858200, 2.294500"}, // udta ©xyz and the Apple key
		{metadata.Location, "ISO6709"},
		{metadata.People, "Detected-face track"},
		{metadata.Time, "Creation date"},
		{metadata.Software, "SEI-CAMERA-SERIAL"},
		{metadata.Software, "Core Media Video"},
		{metadata.Software, "PhoneCam"},
		{metadata.Software, "SECRET-XMP-DOCUMENT"},
		{metadata.Other, "FREE-SPACE-NOTE"},
	}
	for _, w := range want {
		if !has(r, w.c, w.s) {
			t.Errorf("no %s finding mentioning %q", w.c, w.s)
		}
	}
	if r.Video == nil || r.Video.Container != metadata.MOV || r.Video.Rotation != 90 || r.Orientation != 6 || r.Width != 64 {
		t.Errorf("report: %+v %+v", r, r.Video)
	}
}

func TestInspectCleanMovieFindsNothing(t *testing.T) {
	clean := mp4test.Movie{Video: [][][]byte{{{0x65, 0x88, 0x84, 0x21}}, {{0x41, 0x9a, 0x02}}}}
	p := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(p, mp4test.Build(clean), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Video(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Field != "Handler name" && f.Field != "Encoder name" {
			t.Errorf("unexpected finding %+v", f)
		}
	}
}

// TestInspectVideoFixtures checks what the inspector finds in the shared
// phone videos (../shared/fixtures/video), as listed in their README.
func TestInspectVideoFixtures(t *testing.T) {
	files := testenv.Files(t, "fixtures/video")
	byName := map[string]string{}
	for _, f := range files {
		byName[filepath.Base(f)] = f
	}
	cases := map[string][]struct {
		c metadata.Category
		s string
	}{
		"mov-with-gps.mov":    {{metadata.Location, "32.0929"}, {metadata.People, "Detected-face"}, {metadata.Device, "iPhone 6"}, {metadata.Time, "2019-07-24"}},
		"mp4-with-gps.mp4":    {{metadata.Location, "51.41"}, {metadata.Time, "2017-02-22"}},
		"mp4-uuid540.mp4":     {{metadata.HiddenImages, "Thumbnail"}, {metadata.Software, "Adobe Bridge"}},
		"mov-xmp480qt.mov":    {{metadata.Software, "After Effects"}},
		"3gp-sample.3gp":      {{metadata.Time, "2005-10-28"}},
		"chair-19-sd-bar.mp4": {{metadata.Software, "Lavf"}, {metadata.Software, "x264"}},
	}
	for name, want := range cases {
		p, ok := byName[name]
		if !ok {
			t.Errorf("fixture %s missing", name)
			continue
		}
		r, err := Video(context.Background(), p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, w := range want {
			if !has(r, w.c, w.s) {
				t.Errorf("%s: no %s finding mentioning %q", name, w.c, w.s)
			}
		}
	}
	// The AVCHD clip is read through FFmpeg: its camera record, from the
	// transport stream itself.
	if p, ok := byName["mts-Sony_ILCE-7M3_A7M3.mts"]; ok {
		testenv.NeedFFmpeg(t)
		r, err := Video(context.Background(), p)
		if err != nil {
			t.Fatalf("MTS: %v", err)
		}
		if r.Video.Container != metadata.MTS || r.Width != 1920 || r.Height != 1080 {
			t.Errorf("MTS: %+v %dx%d", r.Video, r.Width, r.Height)
		}
		for _, w := range []string{"2019-04-24 22:24:00 +02:00", "Sony", "ILCE-7M3"} {
			found := false
			for _, f := range r.Findings {
				found = found || (strings.Contains(f.Value, w) && f.Where == "video stream")
			}
			if !found {
				t.Errorf("MTS: nothing says %q: %+v", w, r.Findings)
			}
		}
	}
}

// FuzzInspectVideo inspects arbitrary movies: never a panic.
func FuzzInspectVideo(f *testing.F) {
	f.Add(mp4test.Build(mp4test.Phone()))
	f.Fuzz(func(t *testing.T, b []byte) {
		inspectVideo(context.Background(), bytes.NewReader(b), int64(len(b)))
	})
}
