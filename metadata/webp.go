package metadata

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// riffChunk is one RIFF chunk of a WebP file: its FourCC, its whole extent
// (header, data and pad byte) and its data.
type riffChunk struct {
	fourcc     string
	start, end int
	data       []byte
}

// walkRIFF splits the RIFF chunks of b[i:limit] (top level from 12, or the
// frame data inside an ANMF chunk).
func walkRIFF(b []byte, i, limit int) ([]riffChunk, error) {
	var out []riffChunk
	for i < limit {
		if len(out) >= maxBlocks {
			return out, errTooBig
		}
		if limit-i < 8 {
			return out, fmt.Errorf("truncated WebP: %d stray bytes at offset %d", limit-i, i)
		}
		n := int64(binary.LittleEndian.Uint32(b[i+4:]))
		if n > int64(limit-i-8) {
			return out, fmt.Errorf("truncated WebP: %q chunk at offset %d claims %d bytes", b[i:i+4], i, n)
		}
		end := i + 8 + int(n)
		c := riffChunk{fourcc: string(b[i : i+4]), start: i, data: b[i+8 : end]}
		if n&1 == 1 && end < limit {
			end++ // pad byte
		}
		c.end = end
		out = append(out, c)
		i = end
	}
	return out, nil
}

// walkWebP returns the top-level chunks of a WebP file and the end of the RIFF
// data (where any trailer starts).
func walkWebP(b []byte) ([]riffChunk, int, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, 0, errors.New("not a WebP (bad RIFF header)")
	}
	size := int64(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size > int64(len(b)-8) {
		return nil, 0, fmt.Errorf("truncated WebP: RIFF claims %d bytes, file has %d", size, len(b)-8)
	}
	end := 8 + int(size)
	chunks, err := walkRIFF(b, 12, end)
	if err == nil && len(chunks) == 0 {
		err = errors.New("corrupt WebP: no chunks")
	}
	return chunks, end, err
}

// anmfFrame returns the sub-chunks of an ANMF chunk's frame data (after its
// 16-byte header).
func anmfFrame(b []byte, c riffChunk) ([]riffChunk, error) {
	if len(c.data) < 16 {
		return nil, fmt.Errorf("truncated WebP: ANMF chunk at offset %d", c.start)
	}
	off := c.start + 8
	return walkRIFF(b, off+16, off+len(c.data))
}
