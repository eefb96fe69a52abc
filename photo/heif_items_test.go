package photo

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testenv"
)

func TestPlanHEIF(t *testing.T) {
	hvcC, data := smallHEVC(t)
	shortLen := bytes.Clone(hvcC)
	shortLen[8+21] = shortLen[8+21]&^3 | 1 // two-byte NAL lengths
	withProps := func(f tFile, props ...[]byte) tFile { f.Props = props; return f }
	grid := tileFile(t, 2, 2, 192, 128)
	selfGrid := tileFile(t, 1, 2, 192, 64)
	selfGrid.Refs[0].To[1] = 1
	gridOfGrids := tileFile(t, 1, 2, 192, 64)
	gridOfGrids.Items[2].Type = "grid"
	idenLoop := singleFile(t, 96, 64)
	idenLoop.Items = []tItem{{ID: 1, Type: "iden", Props: []int{2}}, {ID: 2, Type: "iden", Props: []int{2}}}
	idenLoop.Refs = []tRef{{Type: "dimg", From: 1, To: []uint32{2}}, {Type: "dimg", From: 2, To: []uint32{1}}}
	deep := singleFile(t, 96, 64)
	deep.Primary = 5
	for id := uint32(5); id > 1; id-- {
		deep.Items = append(deep.Items, tItem{ID: id, Type: "iden", Props: []int{2}})
		deep.Refs = append(deep.Refs, tRef{Type: "dimg", From: id, To: []uint32{id - 1}})
	}
	overlay := func(n int, w, h int) tFile {
		f := singleFile(t, w, h)
		f.Props = append(f.Props, ispeBox(96, 64))
		f.Primary = 2
		f.Items = append(f.Items, tItem{ID: 2, Type: "iovl", Data: overlayData(n, 96, 64), Props: []int{3}, IDat: true})
		r := tRef{Type: "dimg", From: 2}
		for range n {
			r.To = append(r.To, 1)
		}
		f.Refs = []tRef{r}
		return f
	}
	truncated := singleFile(t, 96, 64).Bytes()
	truncated = truncated[:len(truncated)-100]
	truncated = fixMdatSize(truncated)
	tests := map[string]struct {
		in      []byte
		wantErr string
	}{
		"small.heic":                {readTestdata(t, "small.heic"), ""},
		"small.avif":                {readTestdata(t, "small.avif"), ""},
		"alpha.heic":                {readTestdata(t, "alpha.heic"), ""},
		"single item":               {singleFile(t, 96, 64).Bytes(), ""},
		"grid 2x2":                  {grid.Bytes(), ""},
		"overlay":                   {overlay(2, 96, 64).Bytes(), ""},
		"grid lists itself":         {selfGrid.Bytes(), "not a coded one"},
		"grid of grids":             {gridOfGrids.Bytes(), "not a coded one"},
		"iden loop":                 {idenLoop.Bytes(), "derived from itself"},
		"derived too deeply":        {deep.Bytes(), "derived too deeply"},
		"grid tiles short":          {tileFile(t, 2, 2, 200, 128).Bytes(), "does not fit"},
		"grid tiles spare":          {tileFile(t, 2, 2, 96, 128).Bytes(), "does not fit"},
		"grid lists 3 of 4":         {dropRef(tileFile(t, 2, 2, 192, 128)).Bytes(), "lists 3"},
		"grid size differs":         {withGridSize(tileFile(t, 2, 2, 192, 128), 190, 128).Bytes(), "its size says"},
		"ispe smaller than picture": {singleFile(t, 16, 16).Bytes(), "HEVC sequence parameter set declares a 96x64 picture in image item 1 of 16x16"},
		"no ispe":                   {withProps(singleFile(t, 96, 64), hvcC).Bytes(), "no size"},
		"huge ispe":                 {singleFile(t, 20000, 20000).Bytes(), "too large"},
		"overlay of 3x100 MP":       {overlay(3, 10000, 10000).Bytes(), "too large"},
		"truncated data":            {truncated, "truncated"},
		"no hvcC":                   {withProps(singleFile(t, 96, 64), nil, ispeBox(96, 64)).Bytes(), "missing or truncated HEVC configuration"},
		"2-byte NAL lengths":        {withProps(singleFile(t, 96, 64), shortLen, ispeBox(96, 64)).Bytes(), "not supported"},
		"jpeg item":                 {withType(singleFile(t, 96, 64), "jpeg").Bytes(), "unsupported image type"},
		"no pitm":                   {bytes.Replace(singleFile(t, 96, 64).Bytes(), []byte("pitm"), []byte("xitm"), 1), "no primary item"},
		"missing primary":           {withPrimary(singleFile(t, 96, 64), 7).Bytes(), "not described"},
		"empty data":                {withData(singleFile(t, 96, 64), nil).Bytes(), "no data"},
		"garbage data":              {withData(singleFile(t, 96, 64), append([]byte{0, 0, 0, 200}, data[:10]...)).Bytes(), "truncated"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if err := checkHEIF(tt.in); err != nil {
				t.Fatalf("checkHEIF: %v", err)
			}
			err := checkHEIFItems(tt.in)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPlanHEIFTooLargeIsErrTooLarge(t *testing.T) {
	err := checkHEIFItems(singleFile(t, 20000, 20000).Bytes())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func dropRef(f tFile) tFile {
	f.Refs[0].To = f.Refs[0].To[:len(f.Refs[0].To)-1]
	return f
}

func withGridSize(f tFile, w, h int) tFile {
	f.Items[0].Data = gridData(2, 2, w, h)
	return f
}

func withType(f tFile, typ string) tFile { f.Items[0].Type = typ; return f }

func withPrimary(f tFile, id uint32) tFile { f.Primary = id; return f }

func withData(f tFile, d []byte) tFile { f.Items[0].Data = d; return f }

// fixMdatSize makes the last box (mdat) of a cut file end at the cut, so that
// only the item locations point past the end.
func fixMdatSize(b []byte) []byte {
	i := bytes.LastIndex(b, []byte("mdat")) - 4
	copy(b[i:], be32(len(b)-i))
	return b
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "heif", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPlanHEIFAcceptsRealFiles: the item checks pass every decodable phone
// photo in ../shared/fixtures, and name the problem in the one that is cut.
func TestPlanHEIFAcceptsRealFiles(t *testing.T) {
	shared := testenv.Shared(t, "fixtures")
	n := 0
	filepath.WalkDir(shared, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || Sniff(b) != HEIF {
			return nil
		}
		n++
		plan, err := planHEIF(b)
		switch {
		case filepath.Base(p) == "QuickTime.heic": // exiftool's sample: 623 bytes, the picture cut away
			if err == nil || !strings.Contains(err.Error(), "truncated") {
				t.Errorf("%s: err = %v, want a truncation", p, err)
			}
		case err != nil:
			t.Errorf("%s: %v", p, err)
		default:
			t.Logf("%s: %dx%d, %d images, %.1f MP to decode", filepath.Base(p), plan.w, plan.h, plan.inputs, float64(plan.pixels)/1e6)
		}
		return nil
	})
	if n == 0 {
		t.Skip("no HEIF files in ../shared/fixtures")
	}
}

func TestHEVCSPSSize(t *testing.T) {
	for _, name := range []string{"small.heic", "alpha.heic", "deep.heic"} {
		b := readTestdata(t, name)
		f, err := parseHEIFItems(b)
		if err != nil {
			t.Fatal(err)
		}
		var sizes [][2]int64
		err = checkHEVC(f.items[f.primary].hvcC, nil, func(w, h int64, what string) error {
			sizes = append(sizes, [2]int64{w, h})
			return nil
		})
		if err != nil || len(sizes) != 1 || sizes[0] != [2]int64{96, 64} {
			t.Errorf("%s: sizes %v, err %v; want one SPS of 96x64", name, sizes, err)
		}
	}
}

func TestAV1SequenceSize(t *testing.T) {
	b := readTestdata(t, "small.avif")
	f, err := parseHEIFItems(b)
	if err != nil {
		t.Fatal(err)
	}
	it := f.items[f.primary]
	d, err := f.data(it)
	if err != nil {
		t.Fatal(err)
	}
	var sizes [][2]int64
	err = checkAV1(it.av1C, d, func(w, h int64, what string) error {
		sizes = append(sizes, [2]int64{w, h})
		return nil
	})
	// Each sequence header gives its maximum (96x64) and half of what its
	// size fields can hold (7 bits: 64x64).
	if err != nil || len(sizes) == 0 || sizes[0] != [2]int64{96, 64} {
		t.Fatalf("sizes %v, err %v", sizes, err)
	}
}

func FuzzPlanHEIF(f *testing.F) {
	for _, name := range []string{"small.heic", "alpha.heic", "small.avif"} {
		f.Add(readTestdata(f, name))
	}
	f.Add(tileFile(f, 2, 2, 192, 128).Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkHEIF(b) != nil {
			return
		}
		plan, err := planHEIF(b)
		if err != nil {
			return
		}
		if plan.pixels > heifPixelBudget || plan.inputs > heifMaxInputs || checkSize(plan.w, plan.h) != nil {
			t.Fatalf("accepted a plan beyond the bounds: %+v", plan)
		}
	})
}
