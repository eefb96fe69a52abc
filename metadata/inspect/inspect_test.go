package inspect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// want is a finding a test expects: every non-empty field must match (where
// and value by substring).
type want struct {
	cat   metadata.Category
	sev   metadata.Severity
	where string
	field string
	value string
}

func (w want) String() string {
	return fmt.Sprintf("{%s %s where~%q field=%q value~%q}", w.cat, w.sev, w.where, w.field, w.value)
}

func hasFinding(fs []metadata.Finding, w want) bool {
	for _, f := range fs {
		if f.Category == w.cat && f.Severity == w.sev && strings.Contains(f.Where, w.where) &&
			(w.field == "" || f.Field == w.field) && strings.Contains(f.Value, w.value) {
			return true
		}
	}
	return false
}

func dump(fs []metadata.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s %s [%s] %s = %s\n", f.Category, f.Severity, f.Where, f.Field, f.Value)
	}
	return b.String()
}

// gpsIFD is a GPS IFD at 51.5007 N, 0.1246 W, 12.5 m, 2025-07-01 11:34:56 UTC.
func gpsIFD() *testimg.IFD {
	return &testimg.IFD{Entries: []testimg.Entry{
		testimg.Bytes(0x0000, 2, 3, 0, 0),
		testimg.ASCII(0x0001, "N"),
		testimg.Rational(0x0002, 51, 1, 30, 1, 252, 100),
		testimg.ASCII(0x0003, "W"),
		testimg.Rational(0x0004, 0, 1, 7, 1, 2856, 100),
		testimg.Bytes(0x0005, 0),
		testimg.Rational(0x0006, 25, 2),
		testimg.Rational(0x0007, 11, 1, 34, 1, 56, 1),
		testimg.ASCII(0x001D, "2025:07:01"),
	}}
}

func canonMakerNote() []byte {
	// A Canon note is a bare IFD whose offsets are relative to the TIFF
	// header; a LONG serial fits in the entry itself.
	b := make([]byte, 2+12+4)
	binary.BigEndian.PutUint16(b, 1)
	binary.BigEndian.PutUint16(b[2:], 0x000C)
	binary.BigEndian.PutUint16(b[4:], 4)
	binary.BigEndian.PutUint32(b[6:], 1)
	binary.BigEndian.PutUint32(b[10:], 1234567)
	return b
}

func TestInspectJPEG(t *testing.T) {
	base := testimg.EncodeJPEG(t, testimg.Stripes(16, 16), 80)
	thumb := testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80)
	exif := testimg.TIFF(&testimg.IFD{
		Entries: []testimg.Entry{
			testimg.ASCII(0x010F, "Canon"), testimg.ASCII(0x0110, "Canon EOS 5D"), testimg.ASCII(0x0131, "Editor 2.0"),
			testimg.ASCII(0x0132, "2025:07:01 12:34:56"), testimg.ASCII(0x013B, "Jane Roe"), testimg.ASCII(0x8298, "(c) Jane Roe"),
			testimg.ASCII(0x013C, "janes-laptop"),
		},
		Sub: map[uint16]*testimg.IFD{
			0x8769: {Entries: []testimg.Entry{
				testimg.ASCII(0x9003, "2025:07:01 12:34:56"), testimg.ASCII(0x9011, "+01:00"),
				testimg.ASCII(0xA431, "SN-0001"), testimg.ASCII(0xA430, "Jane Roe"), testimg.ASCII(0xA435, "LSN-0002"),
				testimg.Rational(0x829A, 1, 250), testimg.Undefined(0x9286, append([]byte("ASCII\x00\x00\x00"), "a user comment"...)),
				testimg.Undefined(0x927C, canonMakerNote()),
			}},
			0x8825: gpsIFD(),
		},
		Next: &testimg.IFD{Entries: []testimg.Entry{testimg.Short(0x0103, 6)}, Thumb: thumb},
	})
	second := testimg.TIFF(&testimg.IFD{Sub: map[uint16]*testimg.IFD{0x8825: gpsIFD()}})
	xmp := xmpPacket(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>
<photoshop:City>London</photoshop:City>
<exif:GPSLatitude>51,30.042N</exif:GPSLatitude>
<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
 <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Alex Doe</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
  <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:li>
</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
<xmpMM:History><rdf:Seq><rdf:li stEvt:action="saved" stEvt:softwareAgent="Adobe Photoshop 25.0" stEvt:when="2025-07-02T10:00:00"/></rdf:Seq></xmpMM:History>`)
	iptc := []byte{0x1C, 2, 80, 0, 8}
	iptc = append(iptc, "Jane Roe"...)
	iptc = append(iptc, 0x1C, 2, 90, 0, 6)
	iptc = append(iptc, "London"...)
	irb := func(id uint16, data []byte) []byte {
		b := []byte("8BIM\x00\x00\x00\x00\x00\x00\x00\x00")
		binary.BigEndian.PutUint16(b[4:], id)
		binary.BigEndian.PutUint32(b[8:], uint32(len(data)))
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	psThumb := make([]byte, 28)
	binary.BigEndian.PutUint32(psThumb[4:], 8)
	binary.BigEndian.PutUint32(psThumb[8:], 8)
	psThumb = append(psThumb, thumb...)
	ps := append([]byte("Photoshop 3.0\x00"), irb(0x0404, iptc)...)
	ps = append(ps, irb(0x040C, psThumb)...)
	icc := append([]byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("Jane's MacBook Pro display", "")...)
	jfxx := append([]byte("JFXX\x00\x10"), thumb...)
	jumbf := []byte("JP\x00\x01\x00\x00\x00\x01\x00\x00\x00\x40jumbjumdc2pa\x00json{\"claim_generator\":\"Camera App 1.0\",\"author\":\"Jane Roe\"}")
	mp4 := append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41"), bytes.Repeat([]byte{7}, 64)...)
	f := jpegWith(base, mp4,
		testimg.Seg(0xE0, jfxx),
		testimg.ExifAPP1(exif),
		testimg.ExifAPP1(second),
		testimg.XMPAPP1(xmp),
		testimg.Seg(0xE2, icc),
		testimg.Seg(0xE3, []byte("VendorBlob\x00serial=XYZ")),
		testimg.Seg(0xEB, jumbf),
		testimg.Seg(0xED, ps),
		testimg.Seg(0xFE, []byte("a comment by Jane")),
	)
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != photo.JPEG || r.Width != 16 || r.Height != 16 || r.Orientation != 1 {
		t.Errorf("report header = %v %dx%d o%d", r.Format, r.Width, r.Height, r.Orientation)
	}
	wants := []want{
		{metadata.Location, metadata.High, "EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{metadata.Location, metadata.High, "EXIF GPS", "GPS altitude", "12.5 m above sea level"},
		{metadata.Time, metadata.High, "EXIF GPS", "GPS date/time (UTC)", "2025-07-01 11:34:56 UTC"},
		{metadata.Location, metadata.High, "second EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{metadata.People, metadata.High, "EXIF IFD0", "Artist", "Jane Roe"},
		{metadata.People, metadata.High, "EXIF IFD0", "Copyright", "(c) Jane Roe"},
		{metadata.Device, metadata.High, "EXIF IFD0", "Host computer", "janes-laptop"},
		{metadata.Device, metadata.Medium, "EXIF IFD0", "Make", "Canon"},
		{metadata.Software, metadata.Medium, "EXIF IFD0", "Software", "Editor 2.0"},
		{metadata.Time, metadata.Medium, "EXIF IFD0", "Modify date", "2025-07-01 12:34:56"},
		{metadata.Time, metadata.Medium, "EXIF", "Date/time original", "2025-07-01 12:34:56 +01:00"},
		{metadata.Device, metadata.High, "EXIF", "Serial number", "SN-0001"},
		{metadata.Device, metadata.High, "EXIF", "Lens serial number", "LSN-0002"},
		{metadata.People, metadata.High, "EXIF", "Owner name", "Jane Roe"},
		{metadata.Device, metadata.Low, "EXIF", "Exposure time", "1/250"},
		{metadata.Other, metadata.Medium, "EXIF", "User comment", "a user comment"},
		{metadata.Device, metadata.Medium, "MakerNote", "MakerNote", "Canon"},
		{metadata.Device, metadata.High, "MakerNote", "Camera serial number", "1234567"},
		{metadata.HiddenImages, metadata.High, "EXIF IFD1", "EXIF thumbnail", "JPEG 8x8"},
		{metadata.HiddenImages, metadata.High, "JFXX", "JFXX thumbnail", "JPEG 8x8"},
		{metadata.People, metadata.High, "XMP", "dc:creator", "Jane Roe"},
		{metadata.Location, metadata.High, "XMP", "photoshop:City", "London"},
		{metadata.Location, metadata.High, "XMP", "exif:GPSLatitude", "51.500700"},
		{metadata.People, metadata.High, "XMP", "Face region names (mwg-rs:Regions)", "Alex Doe"},
		{metadata.Software, metadata.Medium, "XMP", "Edit history (xmpMM:History)", "Adobe Photoshop 25.0"},
		{metadata.Software, metadata.Low, "XMP", "XMP toolkit (x:xmptk)", "Test 1.0"},
		{metadata.People, metadata.High, "IPTC", "By-line", "Jane Roe"},
		{metadata.Location, metadata.High, "IPTC", "City", "London"},
		{metadata.HiddenImages, metadata.High, "Photoshop", "Photoshop thumbnail", "JPEG 8x8"},
		{metadata.Device, metadata.High, "ICC profile", "Personal ICC profile", "Jane's MacBook Pro display"},
		{metadata.Other, metadata.Medium, "JPEG APP3", "Vendor segment VendorBlob", "serial=XYZ"},
		{metadata.Software, metadata.Medium, "C2PA/JUMBF", "JUMBF box", "C2PA"},
		{metadata.Software, metadata.Medium, "C2PA/JUMBF", "claim_generator", "Camera App 1.0"},
		{metadata.People, metadata.High, "C2PA/JUMBF", "author", "Jane Roe"},
		{metadata.Other, metadata.Medium, "COM", "Comment", "a comment by Jane"},
		{metadata.Trailers, metadata.High, "after end of image", "Data after end of image", "a video (ISO-BMFF 'isom'"},
	}
	for _, w := range wants {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v", w)
		}
	}
	if t.Failed() {
		t.Logf("findings:\n%s", dump(r.Findings))
	}
	// Findings come in category order.
	rank := map[metadata.Category]int{}
	for i, c := range metadata.Categories {
		rank[c] = i
	}
	for i := 1; i < len(r.Findings); i++ {
		if rank[r.Findings[i].Category] < rank[r.Findings[i-1].Category] {
			t.Fatalf("finding %d out of category order", i)
		}
	}
}

func TestInspectXMPExtendedAndUTF16(t *testing.T) {
	base := testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80)
	full := []byte(xmpPacket(`<dc:source>extended secret Jane Roe</dc:source>`))
	guid := "0123456789ABCDEF0123456789ABCDEF"
	ext := func(off int, part []byte) []byte {
		p := append([]byte("http://ns.adobe.com/xmp/extension/\x00"+guid), 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(p[35+32:], uint32(len(full)))
		binary.BigEndian.PutUint32(p[35+36:], uint32(off))
		return testimg.Seg(0xE1, append(p, part...))
	}
	half := len(full) / 2
	main := xmpPacket(`<xmpNote:HasExtendedXMP>` + guid + `</xmpNote:HasExtendedXMP>`)
	// UTF-16LE packet, as old Adobe tools wrote them.
	var u16 []byte
	for _, c := range xmpPacket(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">wide title</rdf:li></rdf:Alt></dc:title>`) {
		u16 = binary.LittleEndian.AppendUint16(u16, uint16(c))
	}
	f := jpegWith(base, nil, testimg.XMPAPP1(main), ext(half, full[half:]), ext(0, full[:half]),
		testimg.Seg(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), u16...)))
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{metadata.Other, metadata.Medium, "extended XMP", "dc:source", "extended secret Jane Roe"},
		{metadata.Other, metadata.Medium, "extended XMP", "Extended XMP", ""},
		{metadata.Other, metadata.Low, "XMP", "xmpNote:HasExtendedXMP", guid},
		{metadata.Other, metadata.Medium, "XMP", "dc:title", "wide title"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectMPFSecondaryImage(t *testing.T) {
	second := jpegWith(testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80), nil, testimg.ExifAPP1(testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "Jane Roe")}, Sub: map[uint16]*testimg.IFD{0x8825: gpsIFD()}})))
	base := testimg.EncodeJPEG(t, testimg.Stripes(16, 16), 80)
	// MPF: "MPF\0" + TIFF with MPEntry (2 entries); offsets relative to the TIFF header.
	mpfTIFF := func(secondOff uint32) []byte {
		entries := make([]byte, 32)
		binary.BigEndian.PutUint32(entries[0:], 0x20030000)
		binary.BigEndian.PutUint32(entries[4:], 1000)
		binary.BigEndian.PutUint32(entries[16:], 0x010001)
		binary.BigEndian.PutUint32(entries[20:], uint32(len(second)))
		binary.BigEndian.PutUint32(entries[24:], secondOff)
		return testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.Undefined(0xB000, []byte("0100")), testimg.Long(0xB001, 2), testimg.Undefined(0xB002, entries)}})
	}
	probe := jpegWith(base, nil, testimg.Seg(0xE2, append([]byte("MPF\x00"), mpfTIFF(0)...)))
	tiffStart := 2 + 4 + 4 // SOI, marker+length, "MPF\0"
	f := jpegWith(base, second, testimg.Seg(0xE2, append([]byte("MPF\x00"), mpfTIFF(uint32(len(probe)-tiffStart))...)))
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{metadata.HiddenImages, metadata.High, "MPF", "MPF index", "2 images: primary image, large thumbnail (VGA)"},
		{metadata.HiddenImages, metadata.High, "MPF image 2", "Secondary image", "JPEG 8x8"},
		{metadata.Location, metadata.High, "MPF image 2: EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{metadata.People, metadata.High, "MPF image 2: EXIF IFD0", "Artist", "Jane Roe"},
		{metadata.Trailers, metadata.High, "after end of image", "", "secondary images listed by MPF"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectTrailers(t *testing.T) {
	base := testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80)
	seft := func() []byte {
		rec := func(typ uint16, name, val string) []byte {
			b := []byte{0, 0, byte(typ), byte(typ >> 8)}
			b = binary.LittleEndian.AppendUint32(b, uint32(len(name)))
			return append(append(b, name...), val...)
		}
		r1 := rec(0x0a01, "Image_UTC_Data", "1751369696000")
		r2 := rec(0x0aa1, "MCC_Data", "234")
		data := append(append([]byte{}, r1...), r2...)
		dir := []byte("SEFH\x6a\x00\x00\x00\x02\x00\x00\x00")
		// offsets count back from SEFH
		dir = append(dir, 0, 0, 0x01, 0x0a)
		dir = binary.LittleEndian.AppendUint32(dir, uint32(len(data)))
		dir = binary.LittleEndian.AppendUint32(dir, uint32(len(r1)))
		dir = append(dir, 0, 0, 0xa1, 0x0a)
		dir = binary.LittleEndian.AppendUint32(dir, uint32(len(r2)))
		dir = binary.LittleEndian.AppendUint32(dir, uint32(len(r2)))
		out := append(data, dir...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(dir)))
		return append(out, "SEFT"...)
	}()
	tests := []struct {
		name    string
		trailer []byte
		wants   []want
	}{
		{"samsung", seft, []want{
			{metadata.Trailers, metadata.High, "after end of image", "Data after end of image", "Samsung trailer"},
			{metadata.Time, metadata.High, "Samsung", "Capture time (UTC)", "2025-07-01 11:34:56 UTC"},
			{metadata.Location, metadata.Medium, "Samsung", "Mobile country code", "234"},
		}},
		{"appended jpeg", jpegWith(testimg.EncodeJPEG(t, testimg.Stripes(24, 8), 80), nil, testimg.ExifAPP1(testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "Old Owner")}}))), []want{
			{metadata.Trailers, metadata.High, "after end of image", "Data after end of image", "appended JPEG image"},
			{metadata.People, metadata.High, "appended image: EXIF IFD0", "Artist", "Old Owner"},
		}},
		{"padding", make([]byte, 100), []want{{metadata.Trailers, metadata.Low, "after end of image", "Padding", "100 bytes of zeros"}}},
		{"unknown", []byte("some unknown appended text"), []want{{metadata.Trailers, metadata.High, "after end of image", "Data after end of image", "unknown data (some unknown appended text)"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := File(append(append([]byte{}, base...), tc.trailer...))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wants {
				if !hasFinding(r.Findings, w) {
					t.Errorf("missing %v\n%s", w, dump(r.Findings))
				}
			}
		})
	}
}

func TestInspectPNG(t *testing.T) {
	exif := testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x010F, "PhoneMaker")}, Sub: map[uint16]*testimg.IFD{0x8825: gpsIFD()}})
	var hex strings.Builder
	fmt.Fprintf(&hex, "\nexif\n%8d\n", len(exif)+6)
	for i, c := range append([]byte("Exif\x00\x00"), exif...) {
		fmt.Fprintf(&hex, "%02x", c)
		if i%36 == 35 {
			hex.WriteByte('\n')
		}
	}
	itxtXMP := "XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmpPacket(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>`)
	iccp := "Jane profile\x00\x00" + string(testimg.Zlib([]byte(string(testimg.ICC("Jane Roe calibrated", "")))))
	// aCropalypse: the tail of a larger original after IEND.
	tail := append(bytes.Repeat([]byte{0x55}, 64), []byte("\x00\x00\x00\x00IEND\xaeB`\x82")...)
	f := pngWith([][2]string{
		{"tEXt", "Author\x00Jane Roe"},
		{"tEXt", "parameters\x00a photo of Jane Roe, steps 20"},
		{"zTXt", "Comment\x00\x00" + string(testimg.Zlib([]byte("compressed secret note")))},
		{"iTXt", itxtXMP},
		{"tEXt", "Raw profile type exif\x00" + hex.String()},
		{"eXIf", string(exif)},
		{"tIME", "\x07\xe9\x07\x01\x0c\x22\x38"},
		{"iCCP", iccp},
		{"prVt", "private vendor data"},
	}, tail)
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{metadata.People, metadata.High, "PNG tEXt", "Author", "Jane Roe"},
		{metadata.Software, metadata.Medium, "PNG tEXt", "parameters", "a photo of Jane Roe"},
		{metadata.Other, metadata.Medium, "PNG zTXt", "Comment", "compressed secret note"},
		{metadata.People, metadata.High, "PNG iTXt XMP", "dc:creator", "Jane Roe"},
		{metadata.Location, metadata.High, "PNG tEXt Raw profile type exif GPS", "GPS position", "51.500700, -0.124600"},
		{metadata.Location, metadata.High, "PNG eXIf GPS", "GPS position", "51.500700, -0.124600"},
		{metadata.Device, metadata.Medium, "PNG eXIf IFD0", "Make", "PhoneMaker"},
		{metadata.Time, metadata.Medium, "PNG tIME", "Last modified", "2025-07-01 12:34:56 UTC"},
		{metadata.Device, metadata.High, "PNG iCCP", "Personal ICC profile", "Jane Roe calibrated"},
		{metadata.Other, metadata.Medium, "PNG prVt", "Private chunk prVt", "private vendor data"},
		{metadata.Trailers, metadata.High, "after end of image", "Data after end of image", "aCropalypse"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectWebPGIFTIFF(t *testing.T) {
	exif := testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "Jane Roe")}})
	webp := webpWith([2]string{"EXIF", string(exif)}, [2]string{"XMP ", xmpPacket(`<photoshop:City>Paris</photoshop:City>`)}, [2]string{"ABCD", "odd"})
	xmpApp := append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...)
	xmpApp = append(xmpApp, xmpPacket(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>`)...)
	magic := []byte{1}
	for i := 255; i >= 0; i-- {
		magic = append(magic, byte(i))
	}
	xmpApp = append(xmpApp, append(magic, 0)...)
	gif := testimg.TinyGIF(append([]byte{0x21, 0xFE}, testimg.SubBlocks([]byte("gif comment by Jane"))...), xmpApp)
	// A GeoTIFF with its text tags in IFD0, beside the structural ones.
	pix := []byte{0, 0}
	tiffFile := testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{
		testimg.Short(0x0100, 1), testimg.Short(0x0101, 1), testimg.Short(0x0103, 1), testimg.Short(0x0106, 1),
		testimg.Long(0x0111, 8), testimg.Short(0x0115, 1), testimg.Short(0x0117, 1),
		testimg.ASCII(0x010D, "secret-plan.tif"), testimg.ASCII(0x011D, "page of Jane"), testimg.ASCII(0x013B, "Jane Roe"),
		{Tag: 0x8482, Type: 12, Count: 6, Data: func() []byte {
			var b []byte
			for _, v := range []uint64{0, 0, 0, 0x4049C01CB7A3C4CF /* 51.5008 */, 0xBFBFE5C91D14E3BD /* -0.1246 */, 0} {
				b = binary.BigEndian.AppendUint64(b, v)
			}
			return b
		}()},
	}})
	_ = pix
	tests := []struct {
		name  string
		file  []byte
		wants []want
	}{
		{"webp", webp, []want{
			{metadata.People, metadata.High, "WebP EXIF IFD0", "Artist", "Jane Roe"},
			{metadata.Location, metadata.High, "WebP XMP", "photoshop:City", "Paris"},
			{metadata.Other, metadata.Medium, "WebP ABCD", "Unknown chunk ABCD", "3 bytes"},
		}},
		{"gif", gif, []want{
			{metadata.Other, metadata.Medium, "GIF comment", "Comment", "gif comment by Jane"},
			{metadata.People, metadata.High, "GIF XMP", "dc:creator", "Jane Roe"},
		}},
		{"tiff", tiffFile, []want{
			{metadata.Other, metadata.Medium, "TIFF IFD0", "Document name", "secret-plan.tif"},
			{metadata.Other, metadata.Medium, "TIFF IFD0", "Page name", "page of Jane"},
			{metadata.People, metadata.High, "TIFF IFD0", "Artist", "Jane Roe"},
			{metadata.Location, metadata.High, "TIFF IFD0", "GeoTIFF tie point", "51.50"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := File(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wants {
				if !hasFinding(r.Findings, w) {
					t.Errorf("missing %v\n%s", w, dump(r.Findings))
				}
			}
			for _, f := range r.Findings {
				if strings.HasPrefix(f.Field, "Damaged") || strings.HasPrefix(f.Field, "Unreadable") {
					t.Errorf("unexpected %s: %s", f.Field, f.Value)
				}
			}
		})
	}
}

func TestInspectBadInput(t *testing.T) {
	base := testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80)
	badExif := testimg.ExifAPP1([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x30\x01")) // 48 entries claimed, none there
	// A GPS directory that no pointer reaches any more (bad GPS offset).
	orphan := testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x013B, "Jane Roe")}, Sub: map[uint16]*testimg.IFD{0x8825: gpsIFD()}})
	if i := bytes.Index(orphan, []byte{0x88, 0x25, 0, 4, 0, 0, 0, 1}); i < 0 {
		t.Fatal("GPS pointer not found")
	} else {
		copy(orphan[i+8:], []byte{0x7F, 0xFF, 0xFF, 0xF0})
	}
	tests := []struct {
		name    string
		file    []byte
		err     string
		finding want
	}{
		{"orphan gps", jpegWith(base, nil, testimg.ExifAPP1(orphan)), "", want{metadata.Location, metadata.High, "EXIF GPS (not linked", "GPS position", "51.500700, -0.124600"}},
		{"empty", nil, "empty", want{}},
		{"text", []byte("hello, world"), "not a supported image", want{}},
		{"truncated header", base[:40], "truncated JPEG", want{}},
		{"bad exif", jpegWith(base, nil, badExif), "", want{metadata.Other, metadata.Medium, "EXIF IFD0", "Unreadable EXIF", "truncated"}},
		{"bad tiff header", jpegWith(base, nil, testimg.ExifAPP1([]byte("XX\x00\x2a\x00\x00\x00\x08"))), "", want{metadata.Other, metadata.Medium, "EXIF", "Unreadable EXIF", "byte order"}},
		{"bad xmp", jpegWith(base, nil, testimg.XMPAPP1("<x:xmpmeta><rdf:RDF><rdf:Description><dc:creator>Jane</dc:cr")), "", want{metadata.People, metadata.High, "XMP", "dc:creator", "Jane"}},
		{"bad icc", jpegWith(base, nil, testimg.Seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01garbage"))), "", want{metadata.Device, metadata.Medium, "ICC profile", "ICC profile", "unreadable"}},
		{"bad iptc", jpegWith(base, nil, testimg.Seg(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x09\x1c\x02\x50\x00\x40Jane"))), "", want{metadata.People, metadata.High, "IPTC", "By-line", "Jane"}},
		{"truncated scan", base[:len(base)-20], "", want{metadata.Other, metadata.Medium, "container", "Damaged file", "truncated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := File(tc.file)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Inspect: %v (bad metadata must be a finding, not an error)", err)
			}
			if !hasFinding(r.Findings, tc.finding) {
				t.Errorf("missing %v\n%s", tc.finding, dump(r.Findings))
			}
		})
	}
	if _, err := File([]byte("GIF89a")); err == nil {
		t.Error("truncated GIF: no error")
	}
	if _, err := File(nil); !errors.Is(err, photo.ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
}

func TestInspectCleanValues(t *testing.T) {
	// Control characters must not reach a terminal.
	base := testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80)
	f := jpegWith(base, nil, testimg.Seg(0xFE, []byte("evil\x1b[31mred\x07 \u202etxt.exe")))
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range r.Findings {
		for _, c := range fd.Value {
			if c < 0x20 || c == 0x202E {
				t.Fatalf("control character %U in %q", c, fd.Value)
			}
		}
	}
	if got := cleanText(strings.Repeat("x", 1000)); len([]rune(got)) > maxValue+1 {
		t.Errorf("long value not cut: %d runes", len([]rune(got)))
	}
}

func TestInspectCoordinates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"51,30.042N", 51.5007},
		{"0,7.476W", -0.1246},
		{"33,51,54.5S", -33.865139},
	} {
		got, ok := xmpCoord(tc.in)
		if !ok || got-tc.want > 1e-5 || tc.want-got > 1e-5 {
			t.Errorf("xmpCoord(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
}

// BenchmarkInspectJPEG inspects camera-like JPEGs (EXIF with GPS, MakerNote
// and thumbnail, XMP, ICC): a small one, where metadata parsing dominates,
// and a 12 MP one, where walking the scan data does.
func BenchmarkInspectJPEG(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"256px", 256, 256}, {"12MP", 4000, 3000}} {
		b.Run(size.name, func(b *testing.B) {
			f := benchJPEGSized(b, size.w, size.h)
			b.SetBytes(int64(len(f)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := File(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchJPEG is a small camera-like JPEG.
func benchJPEG(b testing.TB) []byte { return benchJPEGSized(b, 256, 256) }

// benchJPEGSized is a camera-like JPEG: EXIF with GPS, MakerNote and thumbnail, XMP, ICC.
func benchJPEGSized(b testing.TB, w, h int) []byte {
	base := testimg.EncodeJPEG(b, testimg.Stripes(w, h), 80)
	thumb := testimg.EncodeJPEG(b, testimg.Stripes(160, 120), 80)
	exif := testimg.TIFF(&testimg.IFD{
		Entries: []testimg.Entry{testimg.ASCII(0x010F, "Canon"), testimg.ASCII(0x0110, "Canon EOS 5D"), testimg.ASCII(0x0132, "2025:07:01 12:34:56")},
		Sub: map[uint16]*testimg.IFD{
			0x8769: {Entries: []testimg.Entry{testimg.ASCII(0x9003, "2025:07:01 12:34:56"), testimg.Rational(0x829A, 1, 250), testimg.Undefined(0x927C, canonMakerNote()), testimg.ASCII(0xA431, "SN")}},
			0x8825: gpsIFD(),
		},
		Next: &testimg.IFD{Thumb: thumb},
	})
	return jpegWith(base, nil, testimg.ExifAPP1(exif), testimg.XMPAPP1(xmpPacket(`<dc:creator><rdf:Seq><rdf:li>Jane</rdf:li></rdf:Seq></dc:creator><xmp:CreatorTool>Tool</xmp:CreatorTool>`)),
		testimg.Seg(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), testimg.ICC("sRGB IEC61966-2.1", "")...)))
}

func TestInspectThumbnailComparison(t *testing.T) {
	scene := func(w, h int, redact bool) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				// a smooth scene with a bright "face" in the middle
				v := uint8(60 + 100*x/w)
				if dx, dy := x-w/2, y-h/2; dx*dx+dy*dy < (w/8)*(w/8) {
					v = 230
					if redact {
						v = 0
					}
				}
				img.Set(x, y, color.RGBA{v, v, uint8(80 + 60*y/h), 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	withThumb := func(main, thumb []byte) []byte {
		return jpegWith(main, nil, testimg.ExifAPP1(testimg.TIFF(&testimg.IFD{Entries: []testimg.Entry{testimg.ASCII(0x010F, "Cam")}, Next: &testimg.IFD{Thumb: thumb}})))
	}
	for _, tc := range []struct {
		name  string
		file  []byte
		value string
	}{
		{"same picture", withThumb(scene(640, 480, true), scene(160, 120, true)), "resembles the main image"},
		{"unredacted thumbnail", withThumb(scene(640, 480, true), scene(160, 120, false)), "DIFFERS from the main image"},
		{"wider framing", withThumb(scene(640, 480, true), scene(160, 60, false)), "DIFFERENT FRAMING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := File(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if w := (want{metadata.HiddenImages, metadata.High, "EXIF IFD1", "EXIF thumbnail", tc.value}); !hasFinding(r.Findings, w) {
				t.Errorf("missing %v\n%s", w, dump(r.Findings))
			}
		})
	}
}

func TestInspectInflateBudget(t *testing.T) {
	bomb := string(testimg.Zlib([]byte(strings.Repeat("A", maxInflate+100))))
	var chunks [][2]string
	for i := 0; i < 6; i++ {
		chunks = append(chunks, [2]string{"zTXt", fmt.Sprintf("Comment%d\x00\x00", i) + bomb})
	}
	r, err := File(pngWith(chunks, nil))
	if err != nil {
		t.Fatal(err)
	}
	cut, refused := 0, 0
	for _, f := range r.Findings {
		switch {
		case strings.Contains(f.Value, "inflates beyond"):
			cut++
		case strings.Contains(f.Value, "not decompressed"):
			refused++
		}
	}
	if cut+refused != 6 || refused < 2 {
		t.Errorf("%d cut, %d refused; want 6 bombs stopped, the last ones without inflating\n%s", cut, refused, dump(r.Findings))
	}
}

func TestInspectXMPEmbeddedImageSize(t *testing.T) {
	data := strings.Repeat("QUJD", 15000) // 60000 base64 characters, 45000 bytes
	f := jpegWith(testimg.EncodeJPEG(t, testimg.Stripes(8, 8), 80), nil, testimg.XMPAPP1(strings.Replace(xmpPacket(""), `rdf:about=""`,
		`rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Data="`+data+`"`, 1)))
	r, err := File(f)
	if err != nil {
		t.Fatal(err)
	}
	if w := (want{metadata.HiddenImages, metadata.High, "XMP", "Embedded image (GDepth:Data)", "about 43 KB"}); !hasFinding(r.Findings, w) {
		t.Errorf("missing %v\n%s", w, dump(r.Findings))
	}
}
