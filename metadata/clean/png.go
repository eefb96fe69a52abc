package clean

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/photo"
)

// pngKeep are the chunks needed to show a PNG or APNG as its author meant.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, "tRNS": true, "gAMA": true,
	"cHRM": true, "sRGB": true, "sBIT": true, "bKGD": true, "pHYs": true, "acTL": true,
	"fcTL": true, "fdAT": true, "cICP": true, "mDCv": true, "cLLi": true,
}

// pngICCName is the profile name Veil writes in a kept iCCP chunk: the
// original name is free text.
const pngICCName = "ICC profile"

// cleanPNG rewrites a PNG keeping the chunks of pngKeep, a standard iCCP
// (renamed) and the minimal eXIf outputEXIF allows, right after IHDR.
func cleanPNG(b []byte, opt metadata.Options) (*metadata.Result, error) {
	chunks, end, err := pngchunk.Walk(b)
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 || chunks[0].Type != "IHDR" {
		return nil, fmt.Errorf("corrupt PNG: IHDR is not the first chunk")
	}
	var idat [][]byte
	for _, c := range chunks {
		if c.Type == "IDAT" {
			idat = append(idat, c.Data)
		}
	}
	if err := checkPNGData(chunks[0].Data, idat); err != nil {
		return nil, err
	}
	var rm removals
	var exifSrc []byte
	exifAt := -1
	for k, c := range chunks {
		if c.Type == "eXIf" {
			exifSrc, exifAt = c.Data, k
			break
		}
	}
	out := make([]byte, 0, len(b))
	out = append(out, pngchunk.Signature...)
	for k, c := range chunks {
		switch {
		case c.Type == "IHDR" && k == 0:
			out = append(out, b[c.Start:c.End]...)
			// eXIf goes here, before PLTE and IDAT.
			if t := outputEXIF(exifSrc, photo.Orientation(b), opt, &rm); t != nil {
				out = appendPNGChunk(out, "eXIf", t)
			}
		case c.Type == "eXIf":
			if k != exifAt {
				rm.add("second EXIF block")
			}
		case pngKeep[c.Type] && c.Type != "IHDR":
			out = append(out, b[c.Start:c.End]...)
		case c.Type == "iCCP":
			_, prof, err := pngchunk.ICCP(c.Data, maxICC)
			if err != nil {
				rm.add("colour profile (unreadable)")
				break
			}
			if ok, _ := standardICC(prof); ok {
				i := bytes.IndexByte(c.Data, 0)
				out = appendPNGChunk(out, "iCCP", append([]byte(pngICCName+"\x00"), c.Data[i+1:]...))
			} else {
				rm.add(iccDropped)
			}
		default:
			rm.add(pngPhrase(c.Type))
		}
	}
	if end < len(b) {
		rm.add(trailerPhrase(len(b) - end))
	}
	return &metadata.Result{Data: out, Format: photo.PNG, Lossless: true, Removed: rm.list()}, nil
}

func pngPhrase(typ string) string {
	switch typ {
	case "tEXt", "zTXt", "iTXt":
		return "text chunk " + typ
	case "tIME":
		return "modification time (tIME)"
	case "caBX":
		return "C2PA manifest (caBX)"
	}
	return "chunk " + printable.String(typ)
}

func appendPNGChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}
