// Package riff splits RIFF data into chunks, for WebP files: the top-level
// chunks of a "RIFF....WEBP" file, and the frame chunks inside an ANMF
// chunk. (Compare golang.org/x/image/riff, which streams; Veil needs the
// offsets of every chunk in memory.)
//
// The data is hostile: every length is checked before slicing and the
// number of chunks is bounded.
package riff

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxChunks bounds the chunks one walk returns.
const MaxChunks = 1 << 18

// ErrTooMany is returned for more than MaxChunks chunks.
var ErrTooMany = errors.New("too many structural blocks")

// Chunk is one chunk: its FourCC, its whole extent (header, data and pad
// byte) and its data.
type Chunk struct {
	FourCC     string
	Start, End int
	Data       []byte
}

// Walk splits the chunks of b[i:limit].
func Walk(b []byte, i, limit int) ([]Chunk, error) {
	var out []Chunk
	for i < limit {
		if len(out) >= MaxChunks {
			return out, ErrTooMany
		}
		if limit-i < 8 {
			return out, fmt.Errorf("truncated WebP: %d stray bytes at offset %d", limit-i, i)
		}
		n := int64(binary.LittleEndian.Uint32(b[i+4:]))
		if n > int64(limit-i-8) {
			return out, fmt.Errorf("truncated WebP: %q chunk at offset %d claims %d bytes", b[i:i+4], i, n)
		}
		end := i + 8 + int(n)
		c := Chunk{FourCC: string(b[i : i+4]), Start: i, Data: b[i+8 : end]}
		if n&1 == 1 && end < limit {
			end++ // pad byte
		}
		c.End = end
		out = append(out, c)
		i = end
	}
	return out, nil
}

// WebP returns the top-level chunks of a WebP file and the end of the RIFF
// data (where any trailer starts).
func WebP(b []byte) ([]Chunk, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, 0, errors.New("not a WebP (bad RIFF header)")
	}
	size := int64(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size > int64(len(b)-8) {
		return nil, 0, fmt.Errorf("truncated WebP: RIFF claims %d bytes, file has %d", size, len(b)-8)
	}
	end := 8 + int(size)
	chunks, err := Walk(b, 12, end)
	if err == nil && len(chunks) == 0 {
		err = errors.New("corrupt WebP: no chunks")
	}
	return chunks, end, err
}

// Frame returns the chunks of an ANMF chunk's frame data (after its 16-byte
// header: position, size, duration and flags).
func Frame(b []byte, c Chunk) ([]Chunk, error) {
	if len(c.Data) < 16 {
		return nil, fmt.Errorf("truncated WebP: ANMF chunk at offset %d", c.Start)
	}
	off := c.Start + 8
	return Walk(b, off+16, off+len(c.Data))
}

// Find returns the data of the first top-level chunk with the given FourCC
// in a WebP file, or nil.
func Find(b []byte, fourcc string) []byte {
	chunks, _, _ := WebP(b)
	for _, c := range chunks {
		if c.FourCC == fourcc {
			return c.Data
		}
	}
	return nil
}
