package metadata

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

var pngSig = []byte("\x89PNG\r\n\x1a\n")

// pngChunk is one PNG chunk: its type, its whole extent in the file (length,
// type, data, CRC) and its data.
type pngChunk struct {
	typ        string
	start, end int
	data       []byte
}

// walkPNG splits b into chunks up to and including IEND and returns them with
// the offset just past IEND. It keeps reading after IDAT: text chunks may
// legally follow the image data.
func walkPNG(b []byte) (chunks []pngChunk, end int, err error) {
	if !bytes.HasPrefix(b, pngSig) {
		return nil, 0, errors.New("not a PNG (bad signature)")
	}
	i := len(pngSig)
	for {
		if len(chunks) >= maxBlocks {
			return chunks, i, errTooBig
		}
		if i == len(b) {
			return chunks, i, errors.New("truncated PNG: no IEND chunk")
		}
		if len(b)-i < 12 {
			return chunks, i, fmt.Errorf("truncated PNG: %d stray bytes at offset %d", len(b)-i, i)
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		typ := b[i+4 : i+8]
		if !validChunkType(typ) {
			return chunks, i, fmt.Errorf("corrupt PNG: invalid chunk type %q at offset %d", typ, i)
		}
		if n > int64(len(b)-i-12) {
			return chunks, i, fmt.Errorf("truncated PNG: %s chunk at offset %d claims %d bytes", typ, i, n)
		}
		c := pngChunk{typ: string(typ), start: i, end: i + 12 + int(n), data: b[i+8 : i+8+int(n)]}
		chunks = append(chunks, c)
		i = c.end
		if c.typ == "IEND" {
			return chunks, i, nil
		}
	}
}

func validChunkType(t []byte) bool {
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
