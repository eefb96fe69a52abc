package photo

import "testing"

func TestFormatForName(t *testing.T) {
	for name, want := range map[string]Format{
		"a.jpg": JPEG, "B.JPEG": JPEG, "c.jfif": JPEG, "d.Jpe": JPEG,
		"e.png": PNG, "f.WebP": WebP, "g.gif": GIF, "h.tif": TIFF, "i.TIFF": TIFF,
		"j.heic": HEIF, "k.HEIF": HEIF, "l.hif": HEIF, "m.avif": HEIF,
		"notes.txt": Unknown, "jpg": Unknown, ".jpg.txt": Unknown, "": Unknown, "movie.mp4": Unknown,
	} {
		if got := FormatForName(name); got != want {
			t.Errorf("FormatForName(%q) = %v, want %v", name, got, want)
		}
		if got := IsImageName(name); got != (want != Unknown) {
			t.Errorf("IsImageName(%q) = %v", name, got)
		}
	}
}
