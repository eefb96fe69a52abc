package clean

import (
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/internal/testimg"
)

// TestTIFFTags: the tags a re-encoded TIFF loses are named by IFD, pointer
// tags by name alone, and structural tags not at all.
func TestTIFFTags(t *testing.T) {
	tf := testimg.EXIF([]testimg.Entry{testimg.Short(ifd.ImageWidth, 1), testimg.ASCII(ifd.Artist, testimg.Leaky), testimg.ASCII(ifd.Make, "Cam"), testimg.ASCII(0x9999, "?")},
		[]testimg.Entry{testimg.ASCII(ifd.DateTimeOriginal, "2025:01:01 00:00:00")}, []testimg.Entry{testimg.Short(ifd.GPSVersionID, 0)})
	names, err := tiffTags(tf)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "IFD0 Artist,IFD0 Make,IFD0 tag 0x9999,ExifIFD,GPS IFD" {
		t.Errorf("names %q", got)
	}
	if _, err := tiffTags([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x08")); err == nil {
		t.Error("an IFD loop gave no error")
	}
}
