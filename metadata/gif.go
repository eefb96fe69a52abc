package metadata

import (
	"bytes"
	"errors"
	"fmt"
)

// gifBlock is one block of a GIF: the header (signature, logical screen
// descriptor and global colour table), an extension, or an image (descriptor,
// local colour table and LZW data).
type gifBlock struct {
	kind       byte // 0 header, 0x21 extension, 0x2C image, 0x3B trailer
	label      byte // extension label
	start, end int
	data       []byte // extensions: the sub-block stream after the label
	appID      string // application extensions: the 11-byte identifier
}

// walkGIF splits b into blocks up to and including the trailer (';') and
// returns them with the offset just past the trailer.
func walkGIF(b []byte) ([]gifBlock, int, error) {
	if len(b) < 13 || !(bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))) {
		return nil, 0, errors.New("not a GIF (bad signature)")
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (b[10]&7 + 1)
	}
	if i > len(b) {
		return nil, 0, errors.New("truncated GIF: global colour table")
	}
	blocks := []gifBlock{{kind: 0, start: 0, end: i, data: b[:i]}}
	for {
		if len(blocks) >= maxBlocks {
			return blocks, i, errTooBig
		}
		if i >= len(b) {
			return blocks, i, errors.New("truncated GIF: no trailer")
		}
		start := i
		switch b[i] {
		case 0x3B:
			return append(blocks, gifBlock{kind: 0x3B, start: i, end: i + 1}), i + 1, nil
		case 0x21:
			if i+2 > len(b) {
				return blocks, i, errors.New("truncated GIF: extension")
			}
			blk := gifBlock{kind: 0x21, label: b[i+1], start: i}
			end, err := skipSubBlocks(b, i+2)
			if err != nil {
				return blocks, i, err
			}
			blk.data, blk.end = b[i+2:end], end
			if blk.label == 0xFF && len(blk.data) >= 12 && blk.data[0] == 11 {
				blk.appID = string(blk.data[1:12])
			}
			blocks = append(blocks, blk)
			i = end
		case 0x2C:
			if i+10 > len(b) {
				return blocks, i, errors.New("truncated GIF: image descriptor")
			}
			j := i + 10
			if b[i+9]&0x80 != 0 {
				j += 3 << (b[i+9]&7 + 1)
			}
			j++ // LZW minimum code size
			if j > len(b) {
				return blocks, i, errors.New("truncated GIF: image")
			}
			end, err := skipSubBlocks(b, j)
			if err != nil {
				return blocks, i, err
			}
			blocks = append(blocks, gifBlock{kind: 0x2C, start: start, end: end, data: b[start:end]})
			i = end
		default:
			return blocks, i, fmt.Errorf("corrupt GIF: unknown block 0x%02X at offset %d", b[i], i)
		}
	}
}

// skipSubBlocks returns the offset just past the sub-block sequence starting
// at i (after its zero-length terminator).
func skipSubBlocks(b []byte, i int) (int, error) {
	for {
		if i >= len(b) {
			return i, errors.New("truncated GIF: data sub-blocks")
		}
		n := int(b[i])
		i++
		if n == 0 {
			return i, nil
		}
		i += n
	}
}

// JoinSubBlocks returns the payload of a GIF sub-block stream (as in the Data
// of a GIF extension Block) without its length bytes. Application extensions
// start with an 11-byte identifier sub-block, which is included.
func JoinSubBlocks(data []byte) []byte {
	var out []byte
	for i := 0; i < len(data); {
		n := int(data[i])
		i++
		if n == 0 || i+n > len(data) {
			break
		}
		out = append(out, data[i:i+n]...)
		i += n
	}
	return out
}

// gifExtName is the Block name of a GIF extension.
func gifExtName(blk gifBlock) string {
	switch blk.label {
	case 0xFE:
		return "comment"
	case 0x01:
		return "plain text"
	case 0xF9:
		return "graphic control"
	case 0xFF:
		if blk.appID == "" {
			return "application"
		}
		return "application " + printable(blk.appID)
	}
	return fmt.Sprintf("extension 0x%02X", blk.label)
}

// printable replaces non-printable bytes so names stay one clean line.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c >= 0x7F {
			b[i] = '?'
		}
	}
	return string(b)
}
