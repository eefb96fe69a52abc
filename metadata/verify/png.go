package verify

import (
	"bytes"
	"encoding/binary"

	"codeberg.org/veil/veil/internal/pngchunk"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
)

// iccpName is the only profile name a clean iCCP chunk may carry: the
// cleaner writes it in place of the original name, which is free text.
const iccpName = "ICC profile"

// verifyPNGChunks are the chunks a clean PNG may hold (iCCP and eXIf are
// checked further).
var verifyPNGChunks = map[string]bool{
	"PLTE": true, "IDAT": true, "tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "sBIT": true,
	"bKGD": true, "pHYs": true, "acTL": true, "fcTL": true, "fdAT": true, "cICP": true, "mDCv": true, "cLLi": true,
}

func verifyPNG(b []byte, opt metadata.Options) error {
	i := 8
	exifs := 0
	for k := 0; ; k++ {
		if i+12 > len(b) {
			return notClean("PNG ends without IEND")
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		if n > int64(len(b)-i-12) {
			return notClean("PNG chunk at offset %d runs past the end", i)
		}
		typ := string(b[i+4 : i+8])
		d := b[i+8 : i+8+int(n)]
		switch {
		case k == 0:
			if typ != "IHDR" || n != 13 {
				return notClean("PNG does not start with IHDR")
			}
		case typ == "IEND":
			if n != 0 || i+12 != len(b) {
				return notClean("PNG has %d bytes after IEND", len(b)-i-12)
			}
			return nil
		case typ == "eXIf":
			exifs++
			if exifs > 1 {
				return notClean("PNG has two eXIf chunks")
			}
			if err := verifyEXIF(d, opt); err != nil {
				return err
			}
		case typ == "iCCP":
			if !bytes.HasPrefix(d, []byte(iccpName+"\x00\x00")) {
				return notClean("PNG iCCP chunk carries a profile name")
			}
			_, prof, err := pngchunk.ICCP(d, maxICC)
			if err != nil {
				return notClean("PNG colour profile unreadable: %v", err)
			}
			if ok, desc := stockICC(prof); !ok {
				return notClean("PNG keeps a colour profile that is not a stock one (%q)", desc)
			}
		case !verifyPNGChunks[typ]:
			return notClean("PNG chunk %q at offset %d", printable.String(typ), i)
		}
		i += 12 + int(n)
	}
}
