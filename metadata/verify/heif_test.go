package verify_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/clean"
	"codeberg.org/veil/veil/metadata/verify"
)

// These tests take the cleaner's outputs as the good case, so they live in
// the external test package: the verifier itself never imports the cleaner.

// TestVerifyHEIFRejects: the verifier refuses what the rewrite never writes.
func TestVerifyHEIFRejects(t *testing.T) {
	good, err := clean.File(testimg.HEIFWithImage(), metadata.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"original with Exif and XMP": testimg.HEIFSkeleton(),
		"trailing bytes":             append(append([]byte{}, good.Data...), "PLANTED"...),
		"extra box":                  append(append([]byte{}, good.Data...), testimg.Box("udta", []byte("PLANTED"))...),
	} {
		if err := verify.File(b, metadata.Options{}); !errors.Is(err, metadata.ErrNotClean) {
			t.Errorf("%s: Verify = %v", name, err)
		}
	}
}

// replaceExifItem swaps the TIFF in the Exif item of a LocationOnly rebuild
// (its data is the last extent in mdat, the last box) for tiff, fixing the
// mdat size and the item's iloc length, as a cleaner bug would write it.
func replaceExifItem(t *testing.T, out, tiff []byte) []byte {
	t.Helper()
	hf, err := bmff.ParseHEIF(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range hf.Items {
		if it.Type != "Exif" {
			continue
		}
		s, e := it.Extents[0][0], it.Extents[0][1]
		if e != len(out) {
			t.Fatal("Exif item data is not at the end of the file")
		}
		b := append(append([]byte{}, out[:s+4]...), tiff...)
		b = bytes.Replace(b, append(testimg.BE32(uint32(s)), testimg.BE32(uint32(e-s))...), append(testimg.BE32(uint32(s)), testimg.BE32(uint32(4+len(tiff)))...), 1)
		top, _ := bmff.Walk(out, 0, len(out))
		m := top[len(top)-1]
		at := m.End - len(m.Data) - 8
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at))
		return b
	}
	t.Fatal("no Exif item")
	return nil
}

// TestVerifyHEIFLocationOnly: the verifier takes the Exif item only in
// LocationOnly mode and only with what verifyEXIF allows for JPEG.
func TestVerifyHEIFLocationOnly(t *testing.T) {
	res, err := clean.File(testimg.HEIFWithEXIF(testimg.PersonalEXIF(6)), metadata.Options{Mode: metadata.LocationOnly})
	if err != nil {
		t.Fatal(err)
	}
	good := res.Data
	gps := testimg.EXIF([]testimg.Entry{testimg.ASCII(0x010F, "Cam")}, nil, []testimg.Entry{testimg.ASCII(1, "N"), testimg.ASCII(3, "W")})
	owner := testimg.EXIF([]testimg.Entry{testimg.ASCII(0x010F, "Cam")}, []testimg.Entry{testimg.ASCII(0xA430, testimg.Leaky)}, nil)
	camera := testimg.EXIF([]testimg.Entry{testimg.ASCII(0x010F, "Cam")}, []testimg.Entry{testimg.ASCII(0x9003, "2025:07:01 12:34:56")}, nil)
	offset := bytes.Replace(good, []byte("\x00\x00\x00\x00MM\x00\x2a"), []byte("\x00\x00\x00\x01MM\x00\x2a"), 1)
	notPrimary := bytes.Replace(good, testimg.Box("cdsc", testimg.BE16(2), testimg.BE16(1), testimg.BE16(1)), testimg.Box("cdsc", testimg.BE16(2), testimg.BE16(1), testimg.BE16(2)), 1)
	tests := []struct {
		name string
		in   []byte
		mode metadata.Mode
		want string // "" accepts; otherwise a part of the error
	}{
		{"rebuilt output", good, metadata.LocationOnly, ""},
		{"Exif item swapped for other camera fields", replaceExifItem(t, good, camera), metadata.LocationOnly, ""},
		{"rebuilt output in All mode", good, metadata.All, `item of type "Exif"`},
		{"GPS IFD planted in the Exif item", replaceExifItem(t, good, gps), metadata.LocationOnly, "0x8825"},
		{"owner name planted in the Exif item", replaceExifItem(t, good, owner), metadata.LocationOnly, "0xA430"},
		{"TIFF behind a non-zero offset", offset, metadata.LocationOnly, "offset 0"},
		{"cdsc to another item", notPrimary, metadata.LocationOnly, "cdsc"},
	}
	if bytes.Equal(offset, good) || bytes.Equal(notPrimary, good) {
		t.Fatal("a planted change did not apply")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify.File(tt.in, metadata.Options{Mode: tt.mode})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, metadata.ErrNotClean) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want ErrNotClean mentioning %q", err, tt.want)
			}
		})
	}
}
