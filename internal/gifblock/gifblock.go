// Package gifblock splits a GIF file into its blocks (GIF89a section 17-27):
// the header with the logical screen descriptor and global colour table,
// extensions, images with their LZW data, and the trailer.
//
// The file is hostile: every length is checked before slicing and the
// number of blocks is bounded.
package gifblock

import (
	"bytes"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/printable"
)

// Block kinds (the introducer byte; the header has none).
const (
	Header    = 0
	Extension = 0x21
	Image     = 0x2C
	Trailer   = 0x3B
)

// Extension labels.
const (
	PlainText      = 0x01
	GraphicControl = 0xF9
	Comment        = 0xFE
	Application    = 0xFF
)

// MaxBlocks bounds the blocks a walk returns.
const MaxBlocks = 1 << 18

// ErrTooMany is returned for a file of more than MaxBlocks blocks.
var ErrTooMany = errors.New("too many structural blocks")

// Block is one block of a GIF.
type Block struct {
	Kind       byte // Header, Extension, Image or Trailer
	Label      byte // extensions: the label
	Start, End int
	Data       []byte // extensions: the sub-block stream after the label; header and images: the whole block
	AppID      string // application extensions: the 11-byte identifier
}

// Walk splits b into blocks up to and including the trailer (';') and
// returns them with the offset just past the trailer.
func Walk(b []byte) ([]Block, int, error) {
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
	blocks := []Block{{Kind: Header, Start: 0, End: i, Data: b[:i]}}
	for {
		if len(blocks) >= MaxBlocks {
			return blocks, i, ErrTooMany
		}
		if i >= len(b) {
			return blocks, i, errors.New("truncated GIF: no trailer")
		}
		var blk Block
		var err error
		switch b[i] {
		case Trailer:
			return append(blocks, Block{Kind: Trailer, Start: i, End: i + 1}), i + 1, nil
		case Extension:
			blk, err = extension(b, i)
		case Image:
			blk, err = image(b, i)
		default:
			err = fmt.Errorf("corrupt GIF: unknown block 0x%02X at offset %d", b[i], i)
		}
		if err != nil {
			return blocks, i, err
		}
		blocks = append(blocks, blk)
		i = blk.End
	}
}

// extension reads the extension block at i.
func extension(b []byte, i int) (Block, error) {
	if i+2 > len(b) {
		return Block{}, errors.New("truncated GIF: extension")
	}
	blk := Block{Kind: Extension, Label: b[i+1], Start: i}
	end, err := SkipSubBlocks(b, i+2)
	if err != nil {
		return Block{}, err
	}
	blk.Data, blk.End = b[i+2:end], end
	if blk.Label == Application && len(blk.Data) >= 12 && blk.Data[0] == 11 {
		blk.AppID = string(blk.Data[1:12])
	}
	return blk, nil
}

// image reads the image block at i: descriptor, local colour table, LZW
// minimum code size and data sub-blocks.
func image(b []byte, i int) (Block, error) {
	if i+10 > len(b) {
		return Block{}, errors.New("truncated GIF: image descriptor")
	}
	j := i + 10
	if b[i+9]&0x80 != 0 {
		j += 3 << (b[i+9]&7 + 1)
	}
	j++ // LZW minimum code size
	if j > len(b) {
		return Block{}, errors.New("truncated GIF: image")
	}
	end, err := SkipSubBlocks(b, j)
	if err != nil {
		return Block{}, err
	}
	return Block{Kind: Image, Start: i, End: end, Data: b[i:end]}, nil
}

// SkipSubBlocks returns the offset just past the sub-block sequence starting
// at i (after its zero-length terminator).
func SkipSubBlocks(b []byte, i int) (int, error) {
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

// Join returns the payload of a sub-block stream (as in the Data of an
// extension) without its length bytes. An application extension starts
// with its 11-byte identifier sub-block, which is included.
func Join(data []byte) []byte {
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

// ExtName names an extension: "comment", "plain text", "graphic control",
// "application <identifier>" ("application NETSCAPE2.0"), "application", or
// "extension 0xNN".
func ExtName(blk Block) string {
	switch blk.Label {
	case Comment:
		return "comment"
	case PlainText:
		return "plain text"
	case GraphicControl:
		return "graphic control"
	case Application:
		if blk.AppID == "" {
			return "application"
		}
		return "application " + printable.String(blk.AppID)
	}
	return fmt.Sprintf("extension 0x%02X", blk.Label)
}
