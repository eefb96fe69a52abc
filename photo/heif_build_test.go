package photo

import (
	"os"
	"testing"

	"codeberg.org/veil/veil/internal/heiftest"
)

// HEIF files with a chosen item structure (internal/heiftest), made from the
// coded picture of testdata/heif/small.heic (96x64, HEVC).

type (
	tFile = heiftest.File
	tItem = heiftest.Item
	tRef  = heiftest.Ref
)

var (
	ispeBox     = heiftest.ISPE
	gridData    = heiftest.GridData
	overlayData = heiftest.OverlayData
)

func be32(v int) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// smallHEVC returns the hvcC property box and the coded data of small.heic.
func smallHEVC(t testing.TB) (hvcC, data []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/heif/small.heic")
	if err != nil {
		t.Fatal(err)
	}
	hvcC, data, err = heiftest.Tile(b)
	if err != nil {
		t.Fatal(err)
	}
	return hvcC, data
}

// tileFile is a grid of rows×cols copies of small.heic's picture on a w×h
// canvas; items 10, 11, ... are the tiles, 1 the grid.
func tileFile(t testing.TB, rows, cols, w, h int) tFile {
	hvcC, data := smallHEVC(t)
	return heiftest.Grid(hvcC, data, 96, 64, rows, cols, w, h)
}

// singleFile is small.heic's picture as item 1 with the given ispe size.
func singleFile(t testing.TB, w, h int) tFile {
	hvcC, data := smallHEVC(t)
	return heiftest.Single(hvcC, data, w, h)
}
