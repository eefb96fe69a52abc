// Package pngchunk splits a PNG (or APNG) file into its chunks and reads the
// payloads whose layout every reader agrees on (iCCP). Chunks after IDAT are
// read too: text chunks may legally follow the image data.
//
// The file is hostile: every length is checked before slicing, the number of
// chunks is bounded, and a compressed profile is inflated only up to a limit.
package pngchunk

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Signature starts every PNG file.
var Signature = []byte("\x89PNG\r\n\x1a\n")

// MaxChunks bounds the chunks a walk returns.
const MaxChunks = 1 << 18

// ErrTooMany is returned for a file of more than MaxChunks chunks.
var ErrTooMany = errors.New("too many structural blocks")

// Chunk is one chunk: its type, its whole extent in the file (length, type,
// data and CRC) and its data.
type Chunk struct {
	Type       string
	Start, End int
	Data       []byte
}

// Walk splits b into chunks up to and including IEND and returns them with
// the offset just past IEND. On a structural error it returns the chunks
// read so far and the error.
func Walk(b []byte) (chunks []Chunk, end int, err error) {
	if !bytes.HasPrefix(b, Signature) {
		return nil, 0, errors.New("not a PNG (bad signature)")
	}
	i := len(Signature)
	for {
		if len(chunks) >= MaxChunks {
			return chunks, i, ErrTooMany
		}
		if i == len(b) {
			return chunks, i, errors.New("truncated PNG: no IEND chunk")
		}
		if len(b)-i < 12 {
			return chunks, i, fmt.Errorf("truncated PNG: %d stray bytes at offset %d", len(b)-i, i)
		}
		n := int64(binary.BigEndian.Uint32(b[i:]))
		typ := b[i+4 : i+8]
		if !ValidType(typ) {
			return chunks, i, fmt.Errorf("corrupt PNG: invalid chunk type %q at offset %d", typ, i)
		}
		if n > int64(len(b)-i-12) {
			return chunks, i, fmt.Errorf("truncated PNG: %s chunk at offset %d claims %d bytes", typ, i, n)
		}
		c := Chunk{Type: string(typ), Start: i, End: i + 12 + int(n), Data: b[i+8 : i+8+int(n)]}
		chunks = append(chunks, c)
		i = c.End
		if c.Type == "IEND" {
			return chunks, i, nil
		}
	}
}

// ValidType reports whether t is a chunk type: four ASCII letters.
func ValidType(t []byte) bool {
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// Find returns the data of the first chunk of type typ (before IEND), or nil.
func Find(b []byte, typ string) []byte {
	chunks, _, _ := Walk(b)
	for _, c := range chunks {
		if c.Type == typ {
			return c.Data
		}
	}
	return nil
}

// ICCP reads the payload of an iCCP chunk: a profile name of 1 to 79 bytes,
// a NUL, compression method 0 (zlib) and the compressed profile, which is
// inflated up to limit bytes; a larger profile is an error.
func ICCP(d []byte, limit int) (name string, profile []byte, err error) {
	i := bytes.IndexByte(d, 0)
	if i < 1 || i > 79 || i+2 > len(d) || d[i+1] != 0 {
		return "", nil, errors.New("bad iCCP chunk")
	}
	zr, err := zlib.NewReader(bytes.NewReader(d[i+2:]))
	if err != nil {
		return "", nil, err
	}
	defer zr.Close()
	p, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return "", nil, err
	}
	if len(p) > limit {
		return "", nil, errors.New("iCCP profile too large")
	}
	return string(d[:i]), p, nil
}
