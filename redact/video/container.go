package video

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
)

// VerifyContainer checks the structure of a written redaction and returns
// how it was checked: part 1's independent video verifier
// (metadata/verify.Video: only ftyp, moov and mdat, allow-listed boxes,
// zero dates, no handler, vendor or encoder names, no SEI or user data in
// the samples, samples tiling mdat exactly), then an allow-list of this
// package's own for the files Write produces (FFmpeg's output after part
// 1's cleaner): in moov only mvhd, trak and udta/meta; in each trak only
// tkhd, edts and mdia; every creation and modification time zero; handler
// names empty.
func VerifyContainer(f *os.File) (string, error) {
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if err := verify.Video(context.Background(), f, st.Size(), metadata.Options{}); err != nil {
		return "", err
	}
	if err := checkBoxes(f, st.Size()); err != nil {
		return "", err
	}
	return "part 1's video verifier and Veil's own structure check (no metadata boxes, zero dates, no names)", nil
}

// Container boxes the interim check allows, by parent ("" is the file).
var allowedBoxes = map[string][]string{
	"":     {"ftyp", "free", "wide", "skip", "mdat", "moov"},
	"moov": {"mvhd", "trak", "udta"},
	"trak": {"tkhd", "edts", "mdia"},
	"edts": {"elst"},
	"mdia": {"mdhd", "hdlr", "minf"},
	"minf": {"vmhd", "smhd", "hdlr", "dinf", "stbl"}, // QuickTime: a data handler too
	"udta": {"meta"},
	"meta": {"hdlr", "ilst"},
}

// genericHandlerNames are the handler names a redaction may carry: none
// (encodeArgs asks FFmpeg for empty ones; part 1's inspector reports even
// FFmpeg's generic names).
var genericHandlerNames = []string{""}

// maxBoxes bounds the walk: a hostile file cannot make it run long.
const maxBoxes = 10_000

type boxWalker struct {
	r     io.ReaderAt
	count int
	moovs int
}

func checkBoxes(r io.ReaderAt, size int64) error {
	w := &boxWalker{r: r}
	if err := w.walk("", 0, size, 0); err != nil {
		return err
	}
	if w.moovs != 1 {
		return fmt.Errorf("it has %d movie boxes, not 1", w.moovs)
	}
	return nil
}

// walk checks the boxes between off and end, children of parent.
func (w *boxWalker) walk(parent string, off, end int64, depth int) error {
	if depth > 8 {
		return errors.New("boxes nest too deep")
	}
	for off < end {
		if w.count++; w.count > maxBoxes {
			return errors.New("too many boxes")
		}
		if end-off < 8 {
			return fmt.Errorf("%d stray bytes at %d", end-off, off)
		}
		var h [16]byte
		if _, err := w.r.ReadAt(h[:8], off); err != nil {
			return fmt.Errorf("box at %d: %w", off, err)
		}
		size := int64(binary.BigEndian.Uint32(h[:4]))
		typ := string(h[4:8])
		head := int64(8)
		switch size {
		case 1:
			if _, err := w.r.ReadAt(h[8:16], off+8); err != nil {
				return fmt.Errorf("box %q at %d: %w", typ, off, err)
			}
			s := binary.BigEndian.Uint64(h[8:16])
			if s > uint64(end-off) {
				return fmt.Errorf("box %q at %d runs past its parent", typ, off)
			}
			size, head = int64(s), 16
		case 0:
			if parent != "" {
				return fmt.Errorf("box %q at %d has no size", typ, off)
			}
			size = end - off
		}
		if size < head || size > end-off {
			return fmt.Errorf("box %q at %d has a bad size %d", typ, off, size)
		}
		if !slices.Contains(allowedBoxes[parent], typ) {
			where := "at the top"
			if parent != "" {
				where = "in " + parent
			}
			return fmt.Errorf("box %q %s is not allowed", printable(typ), where)
		}
		if err := w.box(typ, off+head, off+size, depth); err != nil {
			return err
		}
		off += size
	}
	return nil
}

// box checks one allowed box's contents.
func (w *boxWalker) box(typ string, body, end int64, depth int) error {
	switch typ {
	case "moov":
		w.moovs++
		return w.walk(typ, body, end, depth+1)
	case "trak", "edts", "mdia", "minf", "udta":
		return w.walk(typ, body, end, depth+1)
	case "meta":
		return w.walk(typ, body+4, end, depth+1) // version and flags first
	case "ilst":
		if end != body {
			return errors.New("the tag list is not empty")
		}
	case "mvhd", "tkhd", "mdhd":
		return w.zeroDates(typ, body, end)
	case "hdlr":
		return w.handlerName(body, end)
	}
	return nil
}

// zeroDates checks a header box's creation and modification times.
func (w *boxWalker) zeroDates(typ string, body, end int64) error {
	n := int64(8) // version 0: two 32-bit times
	var v [1]byte
	if _, err := w.r.ReadAt(v[:], body); err != nil {
		return fmt.Errorf("%s: %w", typ, err)
	}
	if v[0] == 1 {
		n = 16
	}
	if end-body < 4+n {
		return fmt.Errorf("%s is too short", typ)
	}
	t := make([]byte, n)
	if _, err := w.r.ReadAt(t, body+4); err != nil {
		return fmt.Errorf("%s: %w", typ, err)
	}
	for _, b := range t {
		if b != 0 {
			return fmt.Errorf("%s carries a date", typ)
		}
	}
	return nil
}

// handlerName checks that a handler's name says nothing.
func (w *boxWalker) handlerName(body, end int64) error {
	const nameAt = 24 // version/flags, pre_defined, type, 3 reserved words
	if end-body < nameAt {
		return errors.New("hdlr is too short")
	}
	n := end - body - nameAt
	if n > 256 {
		return errors.New("a handler name is too long")
	}
	b := make([]byte, n)
	if _, err := w.r.ReadAt(b, body+nameAt); err != nil {
		return fmt.Errorf("hdlr: %w", err)
	}
	name := string(trimNUL(b))
	if len(name) > 0 && int(name[0]) == len(name)-1 {
		name = name[1:] // a QuickTime counted string
	}
	if !slices.Contains(genericHandlerNames, name) {
		return fmt.Errorf("a handler is named %q", printable(name))
	}
	return nil
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// printable keeps a box type or name readable in one line of an error.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}
