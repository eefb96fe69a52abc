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
	withProps := func(f tFile, props ...[]byte) tFile { f.props = props; return f }
	grid := tileFile(t, 2, 2, 192, 128)
	selfGrid := tileFile(t, 1, 2, 192, 64)
	selfGrid.refs[0].to[1] = 1
	gridOfGrids := tileFile(t, 1, 2, 192, 64)
	gridOfGrids.items[2].typ = "grid"
	idenLoop := singleFile(t, 96, 64)
	idenLoop.items = []tItem{{id: 1, typ: "iden", props: []int{2}}, {id: 2, typ: "iden", props: []int{2}}}
	idenLoop.refs = []tRef{{"dimg", 1, []uint32{2}}, {"dimg", 2, []uint32{1}}}
	deep := singleFile(t, 96, 64)
	deep.primary = 5
	for id := uint32(5); id > 1; id-- {
		deep.items = append(deep.items, tItem{id: id, typ: "iden", props: []int{2}})
		deep.refs = append(deep.refs, tRef{"dimg", id, []uint32{id - 1}})
	}
	overlay := func(n int, w, h int) tFile {
		f := singleFile(t, w, h)
		f.props = append(f.props, ispeBox(96, 64))
		f.primary = 2
		f.items = append(f.items, tItem{id: 2, typ: "iovl", data: overlayData(n, 96, 64), props: []int{3}, idat: true})
		r := tRef{typ: "dimg", from: 2}
		for range n {
			r.to = append(r.to, 1)
		}
		f.refs = []tRef{r}
		return f
	}
	truncated := singleFile(t, 96, 64).bytes()
	truncated = truncated[:len(truncated)-100]
	truncated = fixMdatSize(truncated)
	tests := map[string]struct {
		in      []byte
		wantErr string
	}{
		"small.heic":                {readTestdata(t, "small.heic"), ""},
		"small.avif":                {readTestdata(t, "small.avif"), ""},
		"alpha.heic":                {readTestdata(t, "alpha.heic"), ""},
		"single item":               {singleFile(t, 96, 64).bytes(), ""},
		"grid 2x2":                  {grid.bytes(), ""},
		"overlay":                   {overlay(2, 96, 64).bytes(), ""},
		"grid lists itself":         {selfGrid.bytes(), "not a coded one"},
		"grid of grids":             {gridOfGrids.bytes(), "not a coded one"},
		"iden loop":                 {idenLoop.bytes(), "derived from itself"},
		"derived too deeply":        {deep.bytes(), "derived too deeply"},
		"grid tiles short":          {tileFile(t, 2, 2, 200, 128).bytes(), "does not fit"},
		"grid tiles spare":          {tileFile(t, 2, 2, 96, 128).bytes(), "does not fit"},
		"grid lists 3 of 4":         {dropRef(tileFile(t, 2, 2, 192, 128)).bytes(), "lists 3"},
		"grid size differs":         {withGridSize(tileFile(t, 2, 2, 192, 128), 190, 128).bytes(), "its size says"},
		"ispe smaller than picture": {singleFile(t, 16, 16).bytes(), "HEVC picture of 96x64 in image item 1 of 16x16"},
		"no ispe":                   {withProps(singleFile(t, 96, 64), hvcC).bytes(), "no size"},
		"huge ispe":                 {singleFile(t, 20000, 20000).bytes(), "too large"},
		"overlay of 3x100 MP":       {overlay(3, 10000, 10000).bytes(), "too large"},
		"truncated data":            {truncated, "truncated"},
		"no hvcC":                   {withProps(singleFile(t, 96, 64), nil, ispeBox(96, 64)).bytes(), "missing or truncated HEVC configuration"},
		"2-byte NAL lengths":        {withProps(singleFile(t, 96, 64), shortLen, ispeBox(96, 64)).bytes(), "not supported"},
		"jpeg item":                 {withType(singleFile(t, 96, 64), "jpeg").bytes(), "unsupported image type"},
		"no pitm":                   {bytes.Replace(singleFile(t, 96, 64).bytes(), []byte("pitm"), []byte("xitm"), 1), "no primary item"},
		"missing primary":           {withPrimary(singleFile(t, 96, 64), 7).bytes(), "not described"},
		"empty data":                {withData(singleFile(t, 96, 64), nil).bytes(), "no data"},
		"garbage data":              {withData(singleFile(t, 96, 64), append([]byte{0, 0, 0, 200}, data[:10]...)).bytes(), "truncated"},
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
	err := checkHEIFItems(singleFile(t, 20000, 20000).bytes())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func dropRef(f tFile) tFile {
	f.refs[0].to = f.refs[0].to[:len(f.refs[0].to)-1]
	return f
}

func withGridSize(f tFile, w, h int) tFile {
	f.items[0].data = gridData(2, 2, w, h)
	return f
}

func withType(f tFile, typ string) tFile { f.items[0].typ = typ; return f }

func withPrimary(f tFile, id uint32) tFile { f.primary = id; return f }

func withData(f tFile, d []byte) tFile { f.items[0].data = d; return f }

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
	f.Add(tileFile(f, 2, 2, 192, 128).bytes())
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
