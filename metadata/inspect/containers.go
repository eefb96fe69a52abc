package inspect

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"codeberg.org/veil/veil/internal/gifblock"
	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// at joins an embedded image's prefix to a location.
func within(prefix, where string) string {
	if prefix == "" {
		return where
	}
	return prefix + ": " + where
}

// blocks dispatches every block of a container to its extractor. prefix is
// "" for the file itself, or names the embedded image ("MPF image 2").
func (in *inspector) blocks(f photo.Format, b []byte, blocks []block, prefix string, depth int) {
	frames := 0
	for _, blk := range blocks {
		blk := blk
		if blk.Kind == imageBlock || blk.Name == "ANMF" || blk.Name == "fcTL" {
			frames++
		}
		in.guard(within(prefix, blk.Name), blk.Name, func() {
			switch f {
			case photo.JPEG:
				in.jpegBlock(b, blk, prefix, depth)
			case photo.PNG:
				in.pngBlock(blk, prefix, depth)
			case photo.WebP:
				in.webpBlock(blk, prefix, depth)
			case photo.GIF:
				in.gifBlock(blk, prefix, depth)
			case photo.HEIF:
				in.heifBlock(blk, prefix, depth)
			}
		})
	}
	if frames > 1 {
		in.add(metadata.HiddenImages, metadata.Medium, within(prefix, "animation"), "Animation frames", fmt.Sprintf("%d frames (later frames can show anything; check them all)", frames))
	}
}

func (in *inspector) jpegBlock(b []byte, blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	switch blk.Name {
	case "SOI", "EOI", "DHT", "DAC", "DQT", "DRI", "DNL", "SOS", "APP14 Adobe":
		return
	case "APP0 JFIF":
		if len(p) >= 14 && p[12] > 0 && p[13] > 0 {
			in.add(metadata.HiddenImages, metadata.High, at("JFIF"), "JFIF thumbnail", fmt.Sprintf("%dx%d uncompressed, %s", p[12], p[13], sizeText(len(p)-14)))
		}
		return
	case "APP0 JFXX":
		desc := sizeText(len(p))
		if len(p) > 6 {
			switch p[5] {
			case 0x10:
				desc = imageDesc(p[6:]) + "; " + in.thumbNoteAt(at("JFXX"), p[6:])
			case 0x11:
				desc = "palette image, " + sizeText(len(p)-6)
			case 0x13:
				desc = "RGB image, " + sizeText(len(p)-6)
			}
		}
		in.add(metadata.HiddenImages, metadata.High, at("JFXX"), "JFXX thumbnail", desc)
		return
	case "APP1 Exif":
		if len(p) < 6 {
			in.add(metadata.Other, metadata.Medium, at("EXIF"), "Unreadable EXIF", "segment too short")
			return
		}
		in.tiff(p[6:], at("EXIF"), depth)
		return
	case "APP1 XMP":
		in.xmp(p[min(len(p), 29):], at("XMP"), depth)
		return
	case "APP1 XMP extended":
		in.xmpExtended(p, at("extended XMP"))
		return
	case "APP2 ICC_PROFILE":
		in.iccChunk(p, at("ICC profile"))
		return
	case "APP2 MPF":
		in.mpf(p, at("MPF"))
		return
	case "APP11 JUMBF":
		in.jumbf(p, at("C2PA/JUMBF"))
		return
	case "APP13 Photoshop":
		in.irb(p, at("Photoshop"), depth)
		return
	case "COM":
		in.add(metadata.Other, metadata.Medium, at("COM"), "Comment", trimText(p))
		return
	case "stray bytes":
		in.add(metadata.Other, metadata.Medium, at("between segments"), "Stray bytes", sizeText(len(p)))
		return
	}
	if blk.Kind == trailerBlock {
		in.trailer(blk, photo.JPEG, prefix, depth)
		return
	}
	name := blk.Name
	if !strings.HasPrefix(name, "APP") {
		if strings.HasPrefix(name, "SOF") || strings.HasPrefix(name, "RST") || strings.HasPrefix(name, "JPG") {
			return
		}
		in.add(metadata.Other, metadata.Low, at("JPEG "+name), "JPEG segment "+name, sizeText(len(p)))
		return
	}
	in.vendorAPP(name, p, at("JPEG "+strings.SplitN(name, " ", 2)[0]), depth)
}

// vendorAPP reports an APPn segment Veil has no special reader for.
func (in *inspector) vendorAPP(name string, p []byte, where string, depth int) {
	id := strings.TrimSpace(strings.SplitN(name, " ", 2)[len(strings.SplitN(name, " ", 2))-1])
	switch {
	case strings.HasSuffix(name, " Ducky"):
		in.ducky(p, where)
		return
	case strings.HasSuffix(name, " FLIR"):
		in.add(metadata.Device, metadata.High, where, "FLIR thermal data", sizeText(len(p))+" (thermal image, camera serial and settings)")
		return
	case strings.HasPrefix(name, "APP12") && bytes.Contains(p[:min(len(p), 64)], []byte("[picture info]")) || strings.HasSuffix(name, " PictureInfo"):
		in.add(metadata.Other, metadata.Medium, where, "Picture info", trimText(p))
		return
	case strings.HasPrefix(name, "APP1 ") && bytes.HasPrefix(p, []byte("Exif")):
		in.tiff(p[min(len(p), 6):], strings.Replace(where, "JPEG APP1", "EXIF", 1), depth)
		return
	case strings.HasPrefix(name, "APP2 FPXR"):
		in.add(metadata.Other, metadata.Medium, where, "FlashPix data", sizeText(len(p))+" (may hold a preview image, audio and edit history)")
		return
	}
	if id == name {
		id = ""
	}
	desc := sizeText(len(p))
	if s := printableRuns(p, 3, 4); s != "" {
		desc += ": " + s
	}
	field := "Vendor segment"
	if id != "" {
		field += " " + id
	}
	in.add(metadata.Other, metadata.Medium, where, field, desc)
}

// ducky reads Photoshop "Save for Web" APP12 Ducky records (quality, comment, copyright).
func (in *inspector) ducky(p []byte, where string) {
	p = p[min(len(p), 5):]
	for n := 0; len(p) >= 4 && n < 64; n++ {
		tag, size := binary.BigEndian.Uint16(p), int(binary.BigEndian.Uint16(p[2:]))
		if tag == 0 || 4+size > len(p) {
			break
		}
		v := p[4 : 4+size]
		p = p[4+size:]
		switch tag {
		case 1:
			if len(v) == 4 {
				in.add(metadata.Software, metadata.Low, where, "Ducky quality", fmt.Sprintf("%d%%", binary.BigEndian.Uint32(v)))
			}
		case 2, 3:
			s := ""
			if len(v) > 4 {
				s = utf16Text(v[4:], binary.BigEndian)
			}
			if tag == 2 {
				in.add(metadata.Other, metadata.Medium, where, "Ducky comment", s)
			} else {
				in.add(metadata.People, metadata.High, where, "Ducky copyright", s)
			}
		}
	}
}

// jumbf reports a C2PA/JUMBF manifest (APP11 "JP"), with the claim generator,
// author names and thumbnails found in it.
func (in *inspector) jumbf(p []byte, where string) {
	in.c2pa(p, where)
}

// c2pa scans a JUMBF/C2PA payload without a full CBOR reader: it looks for
// JSON content boxes and for CBOR text values of well-known keys.
func (in *inspector) c2pa(p []byte, where string) {
	labels := ""
	if bytes.Contains(p, []byte("c2pa")) {
		labels = " (C2PA manifest: signed device/app, author and edit claims)"
	}
	in.add(metadata.Software, metadata.Medium, where, "JUMBF box", sizeText(len(p))+labels)
	if bytes.Contains(p, []byte("c2pa.thumbnail")) {
		in.add(metadata.HiddenImages, metadata.High, where, "C2PA thumbnail", "claim or ingredient thumbnail (may show the original)")
	}
	// JSON content boxes.
	for i, n := 0, 0; n < 16; n++ {
		k := bytes.Index(p[i:], []byte("json{"))
		if k < 0 {
			break
		}
		i += k + 4
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(p[i:]))
		if d.Decode(&m) != nil {
			continue
		}
		in.jsonFields(m, where, "")
	}
	// CBOR: "claim_generator" then a text string.
	for _, key := range []string{"claim_generator", "softwareAgent", "author", "name"} {
		k := bytes.Index(p, append([]byte{byte(0x60 + len(key))}, key...))
		if k < 0 || len(key) > 23 {
			continue
		}
		if s := cborText(p[k+1+len(key):]); s != "" {
			c, sev := metadata.Software, metadata.Medium
			if key == "author" || key == "name" {
				c, sev = metadata.People, metadata.High
			}
			in.add(c, sev, where, key, s)
		}
	}
}

// jsonFields reports the string fields of a JSON object (one level of nesting).
func (in *inspector) jsonFields(m map[string]any, where, parent string) {
	for _, k := range sortedKeys(m) {
		name := k
		if parent != "" {
			name = parent + "." + k
		}
		switch v := m[k].(type) {
		case string:
			c, sev := metadata.Other, metadata.Medium
			lk := strings.ToLower(k)
			switch {
			case strings.Contains(lk, "author") || strings.Contains(lk, "creator") || lk == "name" || strings.Contains(lk, "copyright"):
				c, sev = metadata.People, metadata.High
			case strings.Contains(lk, "generator") || strings.Contains(lk, "software") || strings.Contains(lk, "agent"):
				c, sev = metadata.Software, metadata.Medium
			case strings.Contains(lk, "date") || strings.Contains(lk, "time") || lk == "when":
				c, sev = metadata.Time, metadata.Medium
			}
			in.add(c, sev, where, name, v)
		case map[string]any:
			if parent == "" {
				in.jsonFields(v, where, k)
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// cborText reads a CBOR text string at the start of b.
func cborText(b []byte) string {
	if len(b) == 0 || b[0]>>5 != 3 {
		return ""
	}
	n, h := int(b[0]&0x1F), 1
	switch {
	case n == 24 && len(b) > 1:
		n, h = int(b[1]), 2
	case n == 25 && len(b) > 2:
		n, h = int(binary.BigEndian.Uint16(b[1:])), 3
	case n > 23:
		return ""
	}
	if h+n > len(b) {
		return ""
	}
	return string(b[h : h+n])
}

// mpf reports the MPF index: how many images the file holds and of what kind.
func (in *inspector) mpf(p []byte, where string) {
	t, err := ifd.Parse(p[min(len(p), 4):])
	if err != nil {
		in.add(metadata.HiddenImages, metadata.Medium, where, "MPF index", "unreadable: "+err.Error())
		return
	}
	es, _, err := t.IFD(t.Order.Uint32(t.B[4:]))
	var kinds []string
	for _, e := range es {
		if e.Tag != 0xB002 || e.Value == nil {
			continue
		}
		for k := 0; k+16 <= len(e.Value) && len(kinds) < 64; k += 16 {
			attr := t.Order.Uint32(e.Value[k:])
			kinds = append(kinds, mpfType(attr&0xFFFFFF))
		}
	}
	v := fmt.Sprintf("%d images", len(kinds))
	if len(kinds) > 0 {
		v += ": " + strings.Join(kinds, ", ")
	}
	if err != nil {
		v += " (damaged: " + err.Error() + ")"
	}
	sev := metadata.Medium
	if len(kinds) > 1 {
		sev = metadata.High
	}
	in.mpfKinds = kinds
	in.add(metadata.HiddenImages, sev, where, "MPF index", v)
}

func mpfType(t uint32) string {
	switch t {
	case 0x030000:
		return "primary image"
	case 0x010001:
		return "large thumbnail (VGA)"
	case 0x010002:
		return "large thumbnail (full HD)"
	case 0x010003:
		return "large thumbnail (4K)"
	case 0x010004:
		return "large thumbnail (8K)"
	case 0x010005:
		return "large thumbnail (16K)"
	case 0x020001:
		return "panorama frame"
	case 0x020002:
		return "disparity (3D) image"
	case 0x020003:
		return "multi-angle image"
	case 0x000000:
		return "undefined (often an HDR gain map or depth map)"
	}
	return fmt.Sprintf("type 0x%06X", t)
}

// embedded inspects an image stored inside another (MPF secondary images,
// appended JPEGs), prefixing its findings' locations.
func (in *inspector) embedded(b []byte, prefix string, depth int) {
	if depth+1 > maxDepth {
		return
	}
	f, blocks, _ := listBlocks(b)
	if f == photo.TIFF {
		in.tiff(b, within(prefix, "TIFF"), depth+1)
		return
	}
	in.blocks(f, b, blocks, prefix, depth+1)
}

func (in *inspector) pngBlock(blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	switch blk.Name {
	case "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs", "acTL", "fcTL", "fdAT", "cICP", "mDCv", "cLLi", "hIST", "sPLT":
		return
	case "tEXt", "zTXt", "iTXt":
		in.pngText(blk.Name, p, prefix, depth)
	case "eXIf":
		in.tiff(bytes.TrimPrefix(p, []byte("Exif\x00\x00")), at("PNG eXIf"), depth)
	case "tIME":
		if len(p) == 7 {
			in.add(metadata.Time, metadata.Medium, at("PNG tIME"), "Last modified", fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d UTC", binary.BigEndian.Uint16(p), p[2], p[3], p[4], p[5], p[6]))
		} else {
			in.add(metadata.Time, metadata.Medium, at("PNG tIME"), "Last modified", "damaged ("+sizeText(len(p))+")")
		}
	case "iCCP":
		k := bytes.IndexByte(p, 0)
		if k < 0 || k+2 > len(p) {
			in.add(metadata.Device, metadata.Medium, at("PNG iCCP"), "ICC profile", "damaged chunk")
			return
		}
		prof, err := in.inflate(p[k+2:])
		if err != nil {
			in.add(metadata.Device, metadata.Medium, at("PNG iCCP"), "ICC profile", fmt.Sprintf("%q, unreadable (%v)", p[:k], err))
			return
		}
		in.iccProfile(prof, at("PNG iCCP"))
	case "caBX":
		in.c2pa(p, at("PNG caBX"))
	case "trailer", trailerName:
		in.trailer(blk, photo.PNG, prefix, depth)
	default:
		if blk.Kind == trailerBlock {
			in.trailer(blk, photo.PNG, prefix, depth)
			return
		}
		desc := sizeText(len(p))
		if s := printableRuns(p, 4, 3); s != "" {
			desc += ": " + s
		}
		field := "Private chunk " + blk.Name
		switch blk.Name {
		case "iDOT":
			field = "Apple data offsets (iDOT)"
		case "dSIG":
			field = "Digital signature (dSIG)"
		case "vpAg":
			field = "Virtual page (vpAg)"
		case "orNT":
			field = "Orientation (orNT)"
		}
		in.add(metadata.Other, metadata.Medium, at("PNG "+blk.Name), field, desc)
	}
}

// inflate decompresses zlib data within the file's budget, so that a PNG
// made of many compression bombs cannot keep Inspect busy.
func (in *inspector) inflate(b []byte) ([]byte, error) {
	if in.inflated >= maxInflateTotal {
		return nil, fmt.Errorf("not decompressed: the file's compressed text already inflated to %s", sizeText(in.inflated))
	}
	out, err := inflateLimit(b, min(maxInflate, maxInflateTotal-in.inflated))
	in.inflated += len(out)
	return out, err
}

// inflateLimit decompresses zlib data, at most limit bytes.
func inflateLimit(b []byte, limit int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(out) > limit {
		return out[:limit], fmt.Errorf("inflates beyond %s", sizeText(limit))
	}
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// pngText reads tEXt, zTXt and iTXt chunks, including XMP and ImageMagick's
// hex-encoded "Raw profile type ..." chunks.
func (in *inspector) pngText(kind string, p []byte, prefix string, depth int) {
	where := within(prefix, "PNG "+kind)
	k := bytes.IndexByte(p, 0)
	if k < 0 {
		in.add(metadata.Other, metadata.Medium, where, "Text chunk", "damaged: "+trimText(p))
		return
	}
	key, rest := string(p[:k]), p[k+1:]
	var text []byte
	var err error
	switch kind {
	case "tEXt":
		text = rest
	case "zTXt":
		if len(rest) < 1 {
			err = fmt.Errorf("no data")
		} else {
			text, err = in.inflate(rest[1:])
		}
	case "iTXt":
		if len(rest) < 2 {
			err = fmt.Errorf("no data")
			break
		}
		compressed := rest[0] == 1
		r := rest[2:]
		// language tag and translated keyword, each NUL-terminated
		for i := 0; i < 2; i++ {
			j := bytes.IndexByte(r, 0)
			if j < 0 {
				err = fmt.Errorf("damaged header")
				break
			}
			r = r[j+1:]
		}
		if err == nil {
			if compressed {
				text, err = in.inflate(r)
			} else {
				text = r
			}
		}
	}
	if err != nil {
		in.add(metadata.Other, metadata.Medium, where, key, "unreadable: "+err.Error())
		return
	}
	lk := strings.ToLower(key)
	switch {
	case key == "XML:com.adobe.xmp":
		in.xmp(text, within(prefix, "PNG "+kind+" XMP"), depth)
		return
	case strings.HasPrefix(lk, "raw profile type "):
		prof := strings.TrimPrefix(lk, "raw profile type ")
		raw, ok := hexProfile(text)
		w := within(prefix, "PNG "+kind+" "+key)
		if !ok {
			in.add(metadata.Other, metadata.Medium, w, key, "unreadable hex profile, "+sizeText(len(text)))
			return
		}
		switch prof {
		case "exif", "app1":
			if bytes.HasPrefix(raw, []byte("http://ns.adobe.com/xap/1.0/\x00")) {
				in.xmp(raw[29:], w, depth+1)
				return
			}
			in.tiff(bytes.TrimPrefix(raw, []byte("Exif\x00\x00")), w, depth+1)
		case "xmp":
			in.xmp(raw, w, depth+1)
		case "iptc", "8bim":
			if bytes.HasPrefix(raw, []byte("8BIM")) || bytes.HasPrefix(raw, []byte("Photoshop")) {
				in.irb(raw, w, depth+1)
			} else {
				in.iptc(raw, w)
			}
		case "icc", "icm":
			in.iccProfile(raw, w)
		default:
			in.add(metadata.Other, metadata.Medium, w, key, sizeText(len(raw)))
		}
		return
	}
	c, s := pngKeyClass(key)
	in.add(c, s, where, key, trimText(text))
}

// pngKeyClass classifies a PNG text keyword (standard keywords, ImageMagick
// "exif:*" and "date:*" copies, AI generation parameters).
func pngKeyClass(key string) (metadata.Category, metadata.Severity) {
	lk := strings.ToLower(key)
	if strings.HasPrefix(lk, "exif:") {
		name := key[5:]
		ln := strings.ToLower(name)
		for _, tb := range []map[uint16]tagInfo{tiffTags, exifTags, gpsTags} {
			for _, tg := range tb {
				if strings.EqualFold(strings.ReplaceAll(tg.name, " ", ""), name) {
					return tg.cat, tg.sev
				}
			}
		}
		switch {
		case strings.HasPrefix(ln, "gps"):
			return metadata.Location, metadata.High
		case strings.Contains(ln, "serial") || strings.Contains(ln, "uniqueid"):
			return metadata.Device, metadata.High
		case strings.Contains(ln, "owner") || ln == "artist" || ln == "copyright":
			return metadata.People, metadata.High
		case strings.Contains(ln, "date") || strings.Contains(ln, "offsettime") || strings.Contains(ln, "subsec"):
			return metadata.Time, metadata.Medium
		case ln == "make" || ln == "model" || strings.HasPrefix(ln, "lens"):
			return metadata.Device, metadata.Medium
		case ln == "software":
			return metadata.Software, metadata.Medium
		}
		return metadata.Other, metadata.Low
	}
	switch {
	case lk == "author" || lk == "artist" || lk == "copyright" || lk == "creator" || lk == "disclaimer":
		return metadata.People, metadata.High
	case strings.HasPrefix(lk, "date:") || lk == "creation time" || strings.Contains(lk, "date") || lk == "time":
		return metadata.Time, metadata.Medium
	case lk == "software" || lk == "parameters" || lk == "prompt" || lk == "workflow" || lk == "generator" || strings.Contains(lk, "sd-metadata") || lk == "invokeai_metadata":
		return metadata.Software, metadata.Medium
	case lk == "make" || lk == "model" || lk == "source":
		return metadata.Device, metadata.Medium
	case strings.Contains(lk, "gps") || lk == "location":
		return metadata.Location, metadata.High
	}
	return metadata.Other, metadata.Medium
}

// hexProfile decodes ImageMagick's "\nexif\n    1234\n4578..." text.
func hexProfile(t []byte) ([]byte, bool) {
	lines := bytes.SplitN(bytes.TrimLeft(t, "\n"), []byte("\n"), 3)
	if len(lines) < 3 {
		return nil, false
	}
	hex := lines[2]
	out := make([]byte, 0, len(hex)/2)
	var hi byte
	half := false
	for _, c := range hex {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return out, len(out) > 0
}

func (in *inspector) webpBlock(blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	switch blk.Name {
	case "VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF":
		return
	case "EXIF":
		in.tiff(bytes.TrimPrefix(p, []byte("Exif\x00\x00")), at("WebP EXIF"), depth)
	case "XMP ":
		in.xmp(p, at("WebP XMP"), depth)
	case "ICCP":
		in.iccProfile(p, at("WebP ICCP"))
	case "C2PA":
		in.c2pa(p, at("WebP C2PA"))
	default:
		if blk.Kind == trailerBlock {
			in.trailer(blk, photo.WebP, prefix, depth)
			return
		}
		if strings.HasPrefix(blk.Name, "ANMF/") {
			return
		}
		in.add(metadata.Other, metadata.Medium, at("WebP "+blk.Name), "Unknown chunk "+strings.TrimSpace(blk.Name), sizeText(len(p)))
	}
}

func (in *inspector) gifBlock(blk block, prefix string, depth int) {
	at := func(w string) string { return within(prefix, w) }
	switch {
	case blk.Kind == headerBlock || blk.Kind == imageBlock || blk.Name == "graphic control" ||
		blk.Name == "application NETSCAPE2.0" || blk.Name == "application ANIMEXTS1.0":
		return
	case blk.Kind == trailerBlock:
		in.trailer(blk, photo.GIF, prefix, depth)
	case blk.Name == "comment":
		in.add(metadata.Other, metadata.Medium, at("GIF comment"), "Comment", trimText(gifblock.Join(blk.Data)))
	case blk.Name == "plain text":
		t := gifblock.Join(blk.Data)
		in.add(metadata.Other, metadata.Medium, at("GIF plain text"), "Plain text", trimText(t[min(len(t), 12):]))
	case strings.HasPrefix(blk.Name, "application XMP Data"):
		// XMP is stored raw, not as sub-blocks, followed by a 258-byte "magic trailer".
		raw := blk.Data[min(len(blk.Data), 12):]
		if e := bytes.LastIndex(raw, []byte("<?xpacket end")); e >= 0 {
			if k := bytes.Index(raw[e:], []byte("?>")); k >= 0 {
				raw = raw[:e+k+2]
			}
		} else if e := bytes.LastIndex(raw, []byte("</x:xmpmeta>")); e >= 0 {
			raw = raw[:e+len("</x:xmpmeta>")]
		}
		in.xmp(raw, at("GIF XMP"), depth)
	case strings.HasPrefix(blk.Name, "application ICCRGBG1"):
		j := gifblock.Join(blk.Data)
		in.iccProfile(j[min(len(j), 11):], at("GIF ICC profile"))
	case strings.HasPrefix(blk.Name, "application MGK8BIM"):
		j := gifblock.Join(blk.Data)
		in.irb(j[min(len(j), 11):], at("GIF Photoshop"), depth)
	case strings.HasPrefix(blk.Name, "application MGKIPTC"):
		j := gifblock.Join(blk.Data)
		in.iptc(j[min(len(j), 11):], at("GIF IPTC"))
	default:
		j := gifblock.Join(blk.Data)
		desc := sizeText(len(j))
		if s := printableRuns(j, 4, 3); s != "" {
			desc += ": " + s
		}
		in.add(metadata.Other, metadata.Medium, at("GIF "+blk.Name), "Extension "+blk.Name, desc)
	}
}

func (in *inspector) heifBlock(blk block, prefix string, depth int) {
	p := blk.Data
	at := func(w string) string { return within(prefix, w) }
	name := blk.Name
	switch {
	case blk.Kind == boxBlock:
		switch name {
		case "udta", "uuid":
			if bytes.Contains(p[:min(len(p), 64)], []byte("jumb")) || bytes.Contains(p[:min(len(p), 64)], []byte("c2pa")) {
				in.c2pa(p, at("HEIF C2PA"))
				return
			}
			desc := sizeText(len(p))
			if s := printableRuns(p, 4, 3); s != "" {
				desc += ": " + s
			}
			in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Box "+name, desc)
		case "ispe":
			if len(p) >= 12 && prefix == "" {
				w, h := int(binary.BigEndian.Uint32(p[4:])), int(binary.BigEndian.Uint32(p[8:]))
				if int64(w)*int64(h) > int64(in.w)*int64(in.h) && w <= photo.MaxSide && h <= photo.MaxSide {
					in.w, in.h = w, h
				}
			}
		}
	case name == "Exif item":
		if p == nil {
			in.add(metadata.Other, metadata.Medium, at("HEIF Exif item"), "Unreadable EXIF", "item data not stored in the file")
			return
		}
		if len(p) >= 4 {
			off := int64(binary.BigEndian.Uint32(p))
			if 4+off <= int64(len(p)) {
				t := p[4+off:]
				if !bytes.HasPrefix(t, []byte("MM\x00*")) && !bytes.HasPrefix(t, []byte("II*\x00")) {
					if i := tiffStart(p); i >= 0 {
						t = p[i:]
					}
				}
				in.tiff(t, at("EXIF"), depth)
				return
			}
		}
		in.add(metadata.Other, metadata.Medium, at("HEIF Exif item"), "Unreadable EXIF", "bad header offset")
	case strings.HasPrefix(name, "mime item"):
		ct := strings.TrimSpace(strings.TrimPrefix(name, "mime item"))
		switch {
		case strings.Contains(ct, "rdf+xml") || bytes.Contains(p[:min(len(p), 256)], []byte("<x:xmpmeta")) || bytes.Contains(p[:min(len(p), 256)], []byte("<?xpacket")):
			in.xmp(p, at("XMP"), depth)
		case strings.Contains(ct, "c2pa"):
			in.c2pa(p, at("C2PA"))
		default:
			in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Metadata item", fmt.Sprintf("%s, %s", ct, sizeText(len(p))))
		}
	case strings.HasPrefix(name, "uri item"):
		in.add(metadata.Other, metadata.Medium, at("HEIF "+name), "Metadata item", sizeText(len(p)))
	case name == "thumbnail item":
		in.add(metadata.HiddenImages, metadata.High, at("HEIF thumbnail"), "Thumbnail", fmt.Sprintf("%s (may show the original, uncropped image)", sizeText(len(p))))
	case strings.HasPrefix(name, "auxiliary item"):
		urn := strings.TrimSpace(strings.TrimPrefix(name, "auxiliary item"))
		kind := "auxiliary image"
		lu := strings.ToLower(urn)
		switch {
		case strings.Contains(lu, "gainmap") || strings.Contains(lu, "gain"):
			kind = "HDR gain map"
		case strings.Contains(lu, "depth") || strings.Contains(lu, "disparity"):
			kind = "depth map"
		case strings.Contains(lu, "matte"):
			kind = "portrait matte"
		case strings.Contains(lu, "alpha"):
			return // transparency of the main image
		}
		in.add(metadata.HiddenImages, metadata.High, at("HEIF auxiliary image"), "Auxiliary image", fmt.Sprintf("%s (%s), %s", kind, urn, sizeText(len(p))))
	}
}

func tiffStart(b []byte) int {
	i := bytes.Index(b, []byte("MM\x00*"))
	if j := bytes.Index(b, []byte("II*\x00")); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	return i
}

// trimText renders text bytes (trailing NULs removed).
func trimText(b []byte) string {
	return strings.TrimSpace(string(bytes.TrimRight(b, "\x00")))
}

// printableRuns returns up to max printable runs of at least minLen bytes from
// the start of b, joined, for describing unknown blobs.
func printableRuns(b []byte, minLen, max int) string {
	var out []string
	b = b[:min(len(b), 4096)]
	start := -1
	for i := 0; i <= len(b) && len(out) < max; i++ {
		ok := i < len(b) && b[i] >= 0x20 && b[i] < 0x7F
		if ok && start < 0 {
			start = i
		}
		if !ok && start >= 0 {
			if i-start >= minLen {
				out = append(out, string(b[start:min(i, start+80)]))
			}
			start = -1
		}
	}
	return strings.Join(out, " | ")
}
