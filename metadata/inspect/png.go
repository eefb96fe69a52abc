package inspect

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

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
// made of many compression bombs cannot keep File busy.
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
