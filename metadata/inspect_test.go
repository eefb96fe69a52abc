package metadata

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

	"codeberg.org/veil/veil/photo"
)

// want is a finding a test expects: every non-empty field must match (where
// and value by substring).
type want struct {
	cat   Category
	sev   Severity
	where string
	field string
	value string
}

func (w want) String() string {
	return fmt.Sprintf("{%s %s where~%q field=%q value~%q}", w.cat, w.sev, w.where, w.field, w.value)
}

func hasFinding(fs []Finding, w want) bool {
	for _, f := range fs {
		if f.Category == w.cat && f.Severity == w.sev && strings.Contains(f.Where, w.where) &&
			(w.field == "" || f.Field == w.field) && strings.Contains(f.Value, w.value) {
			return true
		}
	}
	return false
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s %s [%s] %s = %s\n", f.Category, f.Severity, f.Where, f.Field, f.Value)
	}
	return b.String()
}

// gpsIFD is a GPS IFD at 51.5007 N, 0.1246 W, 12.5 m, 2025-07-01 11:34:56 UTC.
func gpsIFD() *iIFD {
	return &iIFD{entries: []iEntry{
		iBytes(0x0000, 2, 3, 0, 0),
		iASCII(0x0001, "N"),
		iRational(0x0002, 51, 1, 30, 1, 252, 100),
		iASCII(0x0003, "W"),
		iRational(0x0004, 0, 1, 7, 1, 2856, 100),
		iBytes(0x0005, 0),
		iRational(0x0006, 25, 2),
		iRational(0x0007, 11, 1, 34, 1, 56, 1),
		iASCII(0x001D, "2025:07:01"),
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
	base := iJPEG(t, 16, 16)
	thumb := iJPEG(t, 8, 8)
	exif := iTIFF(&iIFD{
		entries: []iEntry{
			iASCII(0x010F, "Canon"), iASCII(0x0110, "Canon EOS 5D"), iASCII(0x0131, "Editor 2.0"),
			iASCII(0x0132, "2025:07:01 12:34:56"), iASCII(0x013B, "Jane Roe"), iASCII(0x8298, "(c) Jane Roe"),
			iASCII(0x013C, "janes-laptop"),
		},
		sub: map[uint16]*iIFD{
			0x8769: {entries: []iEntry{
				iASCII(0x9003, "2025:07:01 12:34:56"), iASCII(0x9011, "+01:00"),
				iASCII(0xA431, "SN-0001"), iASCII(0xA430, "Jane Roe"), iASCII(0xA435, "LSN-0002"),
				iRational(0x829A, 1, 250), iUndef(0x9286, append([]byte("ASCII\x00\x00\x00"), "a user comment"...)),
				iUndef(0x927C, canonMakerNote()),
			}},
			0x8825: gpsIFD(),
		},
		next: &iIFD{entries: []iEntry{iShort(0x0103, 6)}, thumb: thumb},
	})
	second := iTIFF(&iIFD{sub: map[uint16]*iIFD{0x8825: gpsIFD()}})
	xmp := iXMP(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>
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
	icc := append([]byte("ICC_PROFILE\x00\x01\x01"), iICC("Jane's MacBook Pro display", "mntr")...)
	jfxx := append([]byte("JFXX\x00\x10"), thumb...)
	jumbf := []byte("JP\x00\x01\x00\x00\x00\x01\x00\x00\x00\x40jumbjumdc2pa\x00json{\"claim_generator\":\"Camera App 1.0\",\"author\":\"Jane Roe\"}")
	mp4 := append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41"), bytes.Repeat([]byte{7}, 64)...)
	f := iWithSegs(base, mp4,
		iSeg(0xE0, jfxx),
		iExifSeg(exif),
		iExifSeg(second),
		iXMPSeg(xmp),
		iSeg(0xE2, icc),
		iSeg(0xE3, []byte("VendorBlob\x00serial=XYZ")),
		iSeg(0xEB, jumbf),
		iSeg(0xED, ps),
		iSeg(0xFE, []byte("a comment by Jane")),
	)
	r, err := Inspect(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != photo.JPEG || r.Width != 16 || r.Height != 16 || r.Orientation != 1 {
		t.Errorf("report header = %v %dx%d o%d", r.Format, r.Width, r.Height, r.Orientation)
	}
	wants := []want{
		{Location, High, "EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{Location, High, "EXIF GPS", "GPS altitude", "12.5 m above sea level"},
		{Time, High, "EXIF GPS", "GPS date/time (UTC)", "2025-07-01 11:34:56 UTC"},
		{Location, High, "second EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{People, High, "EXIF IFD0", "Artist", "Jane Roe"},
		{People, High, "EXIF IFD0", "Copyright", "(c) Jane Roe"},
		{Device, High, "EXIF IFD0", "Host computer", "janes-laptop"},
		{Device, Medium, "EXIF IFD0", "Make", "Canon"},
		{Software, Medium, "EXIF IFD0", "Software", "Editor 2.0"},
		{Time, Medium, "EXIF IFD0", "Modify date", "2025-07-01 12:34:56"},
		{Time, Medium, "EXIF", "Date/time original", "2025-07-01 12:34:56 +01:00"},
		{Device, High, "EXIF", "Serial number", "SN-0001"},
		{Device, High, "EXIF", "Lens serial number", "LSN-0002"},
		{People, High, "EXIF", "Owner name", "Jane Roe"},
		{Device, Low, "EXIF", "Exposure time", "1/250"},
		{Other, Medium, "EXIF", "User comment", "a user comment"},
		{Device, Medium, "MakerNote", "MakerNote", "Canon"},
		{Device, High, "MakerNote", "Camera serial number", "1234567"},
		{HiddenImages, High, "EXIF IFD1", "EXIF thumbnail", "JPEG 8x8"},
		{HiddenImages, High, "JFXX", "JFXX thumbnail", "JPEG 8x8"},
		{People, High, "XMP", "dc:creator", "Jane Roe"},
		{Location, High, "XMP", "photoshop:City", "London"},
		{Location, High, "XMP", "exif:GPSLatitude", "51.500700"},
		{People, High, "XMP", "Face region names (mwg-rs:Regions)", "Alex Doe"},
		{Software, Medium, "XMP", "Edit history (xmpMM:History)", "Adobe Photoshop 25.0"},
		{Software, Low, "XMP", "XMP toolkit (x:xmptk)", "Test 1.0"},
		{People, High, "IPTC", "By-line", "Jane Roe"},
		{Location, High, "IPTC", "City", "London"},
		{HiddenImages, High, "Photoshop", "Photoshop thumbnail", "JPEG 8x8"},
		{Device, High, "ICC profile", "Personal ICC profile", "Jane's MacBook Pro display"},
		{Other, Medium, "JPEG APP3", "Vendor segment VendorBlob", "serial=XYZ"},
		{Software, Medium, "C2PA/JUMBF", "JUMBF box", "C2PA"},
		{Software, Medium, "C2PA/JUMBF", "claim_generator", "Camera App 1.0"},
		{People, High, "C2PA/JUMBF", "author", "Jane Roe"},
		{Other, Medium, "COM", "Comment", "a comment by Jane"},
		{Trailers, High, "after end of image", "Data after end of image", "a video (ISO-BMFF 'isom'"},
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
	rank := map[Category]int{}
	for i, c := range Categories {
		rank[c] = i
	}
	for i := 1; i < len(r.Findings); i++ {
		if rank[r.Findings[i].Category] < rank[r.Findings[i-1].Category] {
			t.Fatalf("finding %d out of category order", i)
		}
	}
}

func TestInspectXMPExtendedAndUTF16(t *testing.T) {
	base := iJPEG(t, 8, 8)
	full := []byte(iXMP(`<dc:source>extended secret Jane Roe</dc:source>`))
	guid := "0123456789ABCDEF0123456789ABCDEF"
	ext := func(off int, part []byte) []byte {
		p := append([]byte("http://ns.adobe.com/xmp/extension/\x00"+guid), 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(p[35+32:], uint32(len(full)))
		binary.BigEndian.PutUint32(p[35+36:], uint32(off))
		return iSeg(0xE1, append(p, part...))
	}
	half := len(full) / 2
	main := iXMP(`<xmpNote:HasExtendedXMP>` + guid + `</xmpNote:HasExtendedXMP>`)
	// UTF-16LE packet, as old Adobe tools wrote them.
	var u16 []byte
	for _, c := range iXMP(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">wide title</rdf:li></rdf:Alt></dc:title>`) {
		u16 = binary.LittleEndian.AppendUint16(u16, uint16(c))
	}
	f := iWithSegs(base, nil, iXMPSeg(main), ext(half, full[half:]), ext(0, full[:half]),
		iSeg(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), u16...)))
	r, err := Inspect(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{Other, Medium, "extended XMP", "dc:source", "extended secret Jane Roe"},
		{Other, Medium, "extended XMP", "Extended XMP", ""},
		{Other, Low, "XMP", "xmpNote:HasExtendedXMP", guid},
		{Other, Medium, "XMP", "dc:title", "wide title"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectMPFSecondaryImage(t *testing.T) {
	second := iWithSegs(iJPEG(t, 8, 8), nil, iExifSeg(iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "Jane Roe")}, sub: map[uint16]*iIFD{0x8825: gpsIFD()}})))
	base := iJPEG(t, 16, 16)
	// MPF: "MPF\0" + TIFF with MPEntry (2 entries); offsets relative to the TIFF header.
	mpfTIFF := func(secondOff uint32) []byte {
		entries := make([]byte, 32)
		binary.BigEndian.PutUint32(entries[0:], 0x20030000)
		binary.BigEndian.PutUint32(entries[4:], 1000)
		binary.BigEndian.PutUint32(entries[16:], 0x010001)
		binary.BigEndian.PutUint32(entries[20:], uint32(len(second)))
		binary.BigEndian.PutUint32(entries[24:], secondOff)
		return iTIFF(&iIFD{entries: []iEntry{iUndef(0xB000, []byte("0100")), {0xB001, 4, 1, []byte{0, 0, 0, 2}}, iUndef(0xB002, entries)}})
	}
	probe := iWithSegs(base, nil, iSeg(0xE2, append([]byte("MPF\x00"), mpfTIFF(0)...)))
	tiffStart := 2 + 4 + 4 // SOI, marker+length, "MPF\0"
	f := iWithSegs(base, second, iSeg(0xE2, append([]byte("MPF\x00"), mpfTIFF(uint32(len(probe)-tiffStart))...)))
	r, err := Inspect(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{HiddenImages, High, "MPF", "MPF index", "2 images: primary image, large thumbnail (VGA)"},
		{HiddenImages, High, "MPF image 2", "Secondary image", "JPEG 8x8"},
		{Location, High, "MPF image 2: EXIF GPS", "GPS position", "51.500700, -0.124600"},
		{People, High, "MPF image 2: EXIF IFD0", "Artist", "Jane Roe"},
		{Trailers, High, "after end of image", "", "secondary images listed by MPF"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectTrailers(t *testing.T) {
	base := iJPEG(t, 8, 8)
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
			{Trailers, High, "after end of image", "Data after end of image", "Samsung trailer"},
			{Time, High, "Samsung", "Capture time (UTC)", "2025-07-01 11:34:56 UTC"},
			{Location, Medium, "Samsung", "Mobile country code", "234"},
		}},
		{"appended jpeg", iWithSegs(iJPEG(t, 24, 8), nil, iExifSeg(iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "Old Owner")}}))), []want{
			{Trailers, High, "after end of image", "Data after end of image", "appended JPEG image"},
			{People, High, "appended image: EXIF IFD0", "Artist", "Old Owner"},
		}},
		{"padding", make([]byte, 100), []want{{Trailers, Low, "after end of image", "Padding", "100 bytes of zeros"}}},
		{"unknown", []byte("some unknown appended text"), []want{{Trailers, High, "after end of image", "Data after end of image", "unknown data (some unknown appended text)"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Inspect(append(append([]byte{}, base...), tc.trailer...))
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
	exif := iTIFF(&iIFD{entries: []iEntry{iASCII(0x010F, "PhoneMaker")}, sub: map[uint16]*iIFD{0x8825: gpsIFD()}})
	var hex strings.Builder
	fmt.Fprintf(&hex, "\nexif\n%8d\n", len(exif)+6)
	for i, c := range append([]byte("Exif\x00\x00"), exif...) {
		fmt.Fprintf(&hex, "%02x", c)
		if i%36 == 35 {
			hex.WriteByte('\n')
		}
	}
	itxtXMP := "XML:com.adobe.xmp\x00\x00\x00\x00\x00" + iXMP(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>`)
	iccp := "Jane profile\x00\x00" + iZlib(string(iICC("Jane Roe calibrated", "mntr")))
	// aCropalypse: the tail of a larger original after IEND.
	tail := append(bytes.Repeat([]byte{0x55}, 64), []byte("\x00\x00\x00\x00IEND\xaeB`\x82")...)
	f := iPNG(t, [][2]string{
		{"tEXt", "Author\x00Jane Roe"},
		{"tEXt", "parameters\x00a photo of Jane Roe, steps 20"},
		{"zTXt", "Comment\x00\x00" + iZlib("compressed secret note")},
		{"iTXt", itxtXMP},
		{"tEXt", "Raw profile type exif\x00" + hex.String()},
		{"eXIf", string(exif)},
		{"tIME", "\x07\xe9\x07\x01\x0c\x22\x38"},
		{"iCCP", iccp},
		{"prVt", "private vendor data"},
	}, tail)
	r, err := Inspect(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []want{
		{People, High, "PNG tEXt", "Author", "Jane Roe"},
		{Software, Medium, "PNG tEXt", "parameters", "a photo of Jane Roe"},
		{Other, Medium, "PNG zTXt", "Comment", "compressed secret note"},
		{People, High, "PNG iTXt XMP", "dc:creator", "Jane Roe"},
		{Location, High, "PNG tEXt Raw profile type exif GPS", "GPS position", "51.500700, -0.124600"},
		{Location, High, "PNG eXIf GPS", "GPS position", "51.500700, -0.124600"},
		{Device, Medium, "PNG eXIf IFD0", "Make", "PhoneMaker"},
		{Time, Medium, "PNG tIME", "Last modified", "2025-07-01 12:34:56 UTC"},
		{Device, High, "PNG iCCP", "Personal ICC profile", "Jane Roe calibrated"},
		{Other, Medium, "PNG prVt", "Private chunk prVt", "private vendor data"},
		{Trailers, High, "after end of image", "Data after end of image", "aCropalypse"},
	} {
		if !hasFinding(r.Findings, w) {
			t.Errorf("missing %v\n%s", w, dump(r.Findings))
		}
	}
}

func TestInspectWebPGIFTIFF(t *testing.T) {
	exif := iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "Jane Roe")}})
	webp := iWebP([2]string{"EXIF", string(exif)}, [2]string{"XMP ", iXMP(`<photoshop:City>Paris</photoshop:City>`)}, [2]string{"ABCD", "odd"})
	xmpApp := append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...)
	xmpApp = append(xmpApp, iXMP(`<dc:creator><rdf:Seq><rdf:li>Jane Roe</rdf:li></rdf:Seq></dc:creator>`)...)
	magic := []byte{1}
	for i := 255; i >= 0; i-- {
		magic = append(magic, byte(i))
	}
	xmpApp = append(xmpApp, append(magic, 0)...)
	gif := iGIF(append([]byte{0x21, 0xFE}, iSub([]byte("gif comment by Jane"))...), xmpApp)
	// A GeoTIFF with its text tags in IFD0, beside the structural ones.
	pix := []byte{0, 0}
	tiffFile := iTIFF(&iIFD{entries: []iEntry{
		iShort(0x0100, 1), iShort(0x0101, 1), iShort(0x0103, 1), iShort(0x0106, 1),
		{0x0111, 4, 1, []byte{0, 0, 0, 8}}, iShort(0x0115, 1), iShort(0x0117, 1),
		iASCII(0x010D, "secret-plan.tif"), iASCII(0x011D, "page of Jane"), iASCII(0x013B, "Jane Roe"),
		{0x8482, 12, 6, func() []byte {
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
			{People, High, "WebP EXIF IFD0", "Artist", "Jane Roe"},
			{Location, High, "WebP XMP", "photoshop:City", "Paris"},
			{Other, Medium, "WebP ABCD", "Unknown chunk ABCD", "3 bytes"},
		}},
		{"gif", gif, []want{
			{Other, Medium, "GIF comment", "Comment", "gif comment by Jane"},
			{People, High, "GIF XMP", "dc:creator", "Jane Roe"},
		}},
		{"tiff", tiffFile, []want{
			{Other, Medium, "TIFF IFD0", "Document name", "secret-plan.tif"},
			{Other, Medium, "TIFF IFD0", "Page name", "page of Jane"},
			{People, High, "TIFF IFD0", "Artist", "Jane Roe"},
			{Location, High, "TIFF IFD0", "GeoTIFF tie point", "51.50"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Inspect(tc.file)
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
	base := iJPEG(t, 8, 8)
	badExif := iExifSeg([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x30\x01")) // 48 entries claimed, none there
	// A GPS directory that no pointer reaches any more (bad GPS offset).
	orphan := iTIFF(&iIFD{entries: []iEntry{iASCII(0x013B, "Jane Roe")}, sub: map[uint16]*iIFD{0x8825: gpsIFD()}})
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
		{"orphan gps", iWithSegs(base, nil, iExifSeg(orphan)), "", want{Location, High, "EXIF GPS (not linked", "GPS position", "51.500700, -0.124600"}},
		{"empty", nil, "empty", want{}},
		{"text", []byte("hello, world"), "not a supported image", want{}},
		{"truncated header", base[:40], "truncated JPEG", want{}},
		{"bad exif", iWithSegs(base, nil, badExif), "", want{Other, Medium, "EXIF IFD0", "Unreadable EXIF", "truncated"}},
		{"bad tiff header", iWithSegs(base, nil, iExifSeg([]byte("XX\x00\x2a\x00\x00\x00\x08"))), "", want{Other, Medium, "EXIF", "Unreadable EXIF", "byte order"}},
		{"bad xmp", iWithSegs(base, nil, iXMPSeg("<x:xmpmeta><rdf:RDF><rdf:Description><dc:creator>Jane</dc:cr")), "", want{People, High, "XMP", "dc:creator", "Jane"}},
		{"bad icc", iWithSegs(base, nil, iSeg(0xE2, []byte("ICC_PROFILE\x00\x01\x01garbage"))), "", want{Device, Medium, "ICC profile", "ICC profile", "unreadable"}},
		{"bad iptc", iWithSegs(base, nil, iSeg(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x09\x1c\x02\x50\x00\x40Jane"))), "", want{People, High, "IPTC", "By-line", "Jane"}},
		{"truncated scan", base[:len(base)-20], "", want{Other, Medium, "container", "Damaged file", "truncated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Inspect(tc.file)
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
	if _, err := Inspect([]byte("GIF89a")); err == nil {
		t.Error("truncated GIF: no error")
	}
	if _, err := Inspect(nil); !errors.Is(err, photo.ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
}

func TestInspectCleanValues(t *testing.T) {
	// Control characters must not reach a terminal.
	base := iJPEG(t, 8, 8)
	f := iWithSegs(base, nil, iSeg(0xFE, []byte("evil\x1b[31mred\x07 \u202etxt.exe")))
	r, err := Inspect(f)
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
	if got := inspClean(strings.Repeat("x", 1000)); len([]rune(got)) > inspMaxValue+1 {
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
		got, ok := inspXMPCoord(tc.in)
		if !ok || got-tc.want > 1e-5 || tc.want-got > 1e-5 {
			t.Errorf("inspXMPCoord(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
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
				if _, err := Inspect(f); err != nil {
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
	base := iJPEG(b, w, h)
	thumb := iJPEG(b, 160, 120)
	exif := iTIFF(&iIFD{
		entries: []iEntry{iASCII(0x010F, "Canon"), iASCII(0x0110, "Canon EOS 5D"), iASCII(0x0132, "2025:07:01 12:34:56")},
		sub: map[uint16]*iIFD{
			0x8769: {entries: []iEntry{iASCII(0x9003, "2025:07:01 12:34:56"), iRational(0x829A, 1, 250), iUndef(0x927C, canonMakerNote()), iASCII(0xA431, "SN")}},
			0x8825: gpsIFD(),
		},
		next: &iIFD{thumb: thumb},
	})
	return iWithSegs(base, nil, iExifSeg(exif), iXMPSeg(iXMP(`<dc:creator><rdf:Seq><rdf:li>Jane</rdf:li></rdf:Seq></dc:creator><xmp:CreatorTool>Tool</xmp:CreatorTool>`)),
		iSeg(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), iICC("sRGB IEC61966-2.1", "mntr")...)))
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
		return iWithSegs(main, nil, iExifSeg(iTIFF(&iIFD{entries: []iEntry{iASCII(0x010F, "Cam")}, next: &iIFD{thumb: thumb}})))
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
			r, err := Inspect(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if w := (want{HiddenImages, High, "EXIF IFD1", "EXIF thumbnail", tc.value}); !hasFinding(r.Findings, w) {
				t.Errorf("missing %v\n%s", w, dump(r.Findings))
			}
		})
	}
}

func TestInspectInflateBudget(t *testing.T) {
	bomb := iZlib(strings.Repeat("A", inspMaxInflate+100))
	var chunks [][2]string
	for i := 0; i < 6; i++ {
		chunks = append(chunks, [2]string{"zTXt", fmt.Sprintf("Comment%d\x00\x00", i) + bomb})
	}
	r, err := Inspect(iPNG(t, chunks, nil))
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
	f := iWithSegs(iJPEG(t, 8, 8), nil, iXMPSeg(strings.Replace(iXMP(""), `rdf:about=""`,
		`rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" GDepth:Data="`+data+`"`, 1)))
	r, err := Inspect(f)
	if err != nil {
		t.Fatal(err)
	}
	if w := (want{HiddenImages, High, "XMP", "Embedded image (GDepth:Data)", "about 43 KB"}); !hasFinding(r.Findings, w) {
		t.Errorf("missing %v\n%s", w, dump(r.Findings))
	}
}
