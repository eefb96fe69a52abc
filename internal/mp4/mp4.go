// Package mp4 reads the structure of ISO base media and QuickTime movie
// files (MP4, MOV, M4V, 3GP, 3G2) for the video inspector and cleaner:
// the top-level boxes, the movie box held in memory as a tree, and each
// track with its handler, sample descriptions and sample tables (where every
// sample lies in the file).
//
// Movie files can be many gigabytes, so nothing but the movie box is read
// into memory: the file is an io.ReaderAt and samples stay where they are.
// Memory is proportional to the sample tables (the movie box itself, plus
// 16 bytes a chunk), never to the file's size.
//
// Like internal/bmff, whose header parser it shares, it reads and judges
// nothing: the cleaner and the inspector apply their own rules to what it
// returns. The verifier (metadata/verify) has its own walker and does not
// use this package. Files are hostile: every size is checked against its
// container before it is used, and box, track, chunk and sample counts are
// bounded before anything is allocated for them.
package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/printable"
)

// Bounds that keep a hostile file from costing unbounded time or memory.
const (
	// MaxMovieBox is the largest movie box read into memory. Its sample
	// tables grow with the number of samples: a 2.7-hour phone-style movie
	// at 30 frames a second with AAC audio (760,000 samples, B-frames)
	// takes 10 MB, so this allows about 17 hours at 60 frames a second.
	MaxMovieBox = 128 << 20
	// MaxTopBoxes bounds the top-level boxes of a file.
	MaxTopBoxes = 1 << 16
	// MaxBoxes bounds the boxes inside the movie box.
	MaxBoxes = 1 << 18
	// MaxTracks bounds the tracks of a movie.
	MaxTracks = 256
	// MaxDepth bounds the nesting of boxes.
	MaxDepth = 16
	// MaxSamples bounds the samples and chunks of one track (77 hours at
	// 60 frames a second).
	MaxSamples = 1 << 24
	// maxSmallBox is the largest top-level box other than the movie box
	// that Open reads into memory (ftyp, and uuid or meta boxes for the
	// inspector).
	maxSmallBox = 16 << 20
)

// Errors, matched with errors.Is.
var (
	// ErrNotMovie means the file is not an ISO base media or QuickTime file.
	ErrNotMovie = errors.New("not an MP4 or QuickTime movie")
	// ErrNoMovie means the file has no movie box (a recording that was
	// never finished, or only a piece of a stream).
	ErrNoMovie = errors.New("it has no movie header (moov box): the recording was not finished, or this is only part of a video")
	// ErrFragmented means the movie is fragmented (moof boxes): its samples
	// are described piece by piece, not in the movie box.
	ErrFragmented = errors.New("it is a fragmented MP4 (moof boxes)")
	// ErrDamaged wraps every structural error of a file.
	ErrDamaged = errors.New("damaged or truncated")
	// ErrTooLarge means a table or box is beyond the bounds above.
	ErrTooLarge = errors.New("too large")
)

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrDamaged}, args...)...)
}

// Box is one box: its type, its extent in the file, the length of its
// header, and, for boxes held in memory, its payload and (for containers)
// its children.
type Box struct {
	Type       string
	Start, End int64 // in the file
	HeaderLen  int
	// Data is the payload (after the header, a uuid box's extended type
	// included in HeaderLen); nil for boxes not read into memory (mdat).
	Data []byte
	Kids []*Box
	// UserType is a uuid box's extended type (16 bytes), else "".
	UserType string
}

// Size is the whole box's size.
func (b *Box) Size() int64 { return b.End - b.Start }

// PayloadStart is where the payload starts in the file.
func (b *Box) PayloadStart() int64 { return b.Start + int64(b.HeaderLen) }

// Child returns the first child of type t, or nil.
func (b *Box) Child(t string) *Box {
	if b == nil {
		return nil
	}
	for _, k := range b.Kids {
		if k.Type == t {
			return k
		}
	}
	return nil
}

// Path follows a path of child types ("mdia", "minf", "stbl") from b.
func (b *Box) Path(types ...string) *Box {
	for _, t := range types {
		b = b.Child(t)
	}
	return b
}

// Name is the box type made printable (types are four arbitrary bytes).
func (b *Box) Name() string { return printable.String(b.Type) }

// File is the structure of a movie file.
type File struct {
	Size int64
	// Top are the top-level boxes in file order; only ftyp, moov and
	// small uuid, meta and udta boxes have Data.
	Top []*Box
	// Ftyp is the file type box, or nil (old QuickTime files have none).
	Ftyp *Ftyp
	// Moov is the movie box with its children.
	Moov *Box
	// Tracks are the movie's tracks, in file order.
	Tracks []*Track
	// QuickTime is set for QuickTime files (brand "qt  " or no ftyp),
	// whose sound descriptions and handler names follow Apple's layout.
	QuickTime bool
}

// Ftyp is a file type box.
type Ftyp struct {
	Major      string
	Minor      uint32
	Compatible []string
}

// HasBrand reports whether the major or a compatible brand is b.
func (f *Ftyp) HasBrand(b string) bool {
	if f == nil {
		return false
	}
	if f.Major == b {
		return true
	}
	for _, c := range f.Compatible {
		if c == b {
			return true
		}
	}
	return false
}

// topLevelType are the boxes a movie file may start with.
var topLevelType = map[string]bool{
	"ftyp": true, "moov": true, "mdat": true, "wide": true, "free": true, "skip": true, "pnot": true,
	"uuid": true, "junk": true, "PICT": true, "styp": true, "sidx": true, "moof": true,
}

// containers are the boxes inside the movie box whose payload is a plain
// sequence of boxes.
var containers = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true, "edts": true, "dinf": true,
	"udta": true, "tref": true, "tapt": true, "gmhd": true, "mvex": true, "ilst": true, "sinf": true, "schi": true,
}

// Open reads the structure of the movie file r of the given size: the
// top-level boxes, the movie box and its tracks. It fails with
// ErrFragmented for a fragmented movie, ErrNoMovie without a movie box, and
// an error wrapping ErrDamaged for a structure it cannot walk.
func Open(r io.ReaderAt, size int64) (*File, error) {
	top, err := TopLevel(r, size)
	if err != nil {
		return nil, err
	}
	if !topLevelType[top[0].Type] {
		return nil, ErrNotMovie
	}
	f := &File{Size: size, Top: top}
	for _, b := range top {
		switch b.Type {
		case "moof", "mfra", "sidx", "styp", "ssix", "prft", "emsg":
			return nil, ErrFragmented
		case "ftyp":
			if f.Ftyp != nil {
				return nil, damaged("two file type boxes")
			}
			if err := readData(r, b, 4096); err != nil {
				return nil, err
			}
			f.Ftyp = parseFtyp(b.Data)
		case "moov":
			if f.Moov != nil {
				return nil, damaged("two movie boxes")
			}
			if b.Size() > MaxMovieBox {
				return nil, fmt.Errorf("%w: its movie box is %d MiB, over Veil's limit of %d MiB", ErrTooLarge, b.Size()>>20, MaxMovieBox>>20)
			}
			if err := readData(r, b, MaxMovieBox); err != nil {
				return nil, err
			}
			f.Moov = b
		case "uuid", "meta", "udta", "free", "skip", "wide", "junk", "pnot", "PICT":
			if b.Size() <= maxSmallBox {
				if err := readData(r, b, maxSmallBox); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(top) == 0 || (f.Ftyp == nil && f.Moov == nil) {
		return nil, ErrNotMovie
	}
	if f.Moov == nil {
		return nil, ErrNoMovie
	}
	f.QuickTime = f.Ftyp == nil || f.Ftyp.Major == "qt  "
	n := 0
	kids, err := walkMemory(f.Moov.Data, f.Moov.PayloadStart(), 1, &n)
	if err != nil {
		return nil, err
	}
	f.Moov.Kids = kids
	if f.Moov.Child("mvex") != nil {
		return nil, ErrFragmented
	}
	for _, k := range kids {
		if k.Type != "trak" {
			continue
		}
		if len(f.Tracks) >= MaxTracks {
			return nil, fmt.Errorf("%w: more than %d tracks", ErrTooLarge, MaxTracks)
		}
		t, err := parseTrack(k, f)
		if err != nil {
			return nil, err
		}
		f.Tracks = append(f.Tracks, t)
	}
	return f, nil
}

// TopLevel lists the top-level boxes of r (headers only), checking that
// they tile the file exactly: a box claiming bytes past the end, a header
// cut short, or stray bytes at the end are errors.
func TopLevel(r io.ReaderAt, size int64) ([]*Box, error) {
	var out []*Box
	var hdr [32]byte
	if size < 8 {
		return nil, ErrNotMovie
	}
	if n, _ := r.ReadAt(hdr[:8], 0); n < 8 || !topLevelType[string(hdr[4:8])] {
		return nil, ErrNotMovie
	}
	for off := int64(0); off < size; {
		if len(out) >= MaxTopBoxes {
			return nil, fmt.Errorf("%w: more than %d top-level boxes", ErrTooLarge, MaxTopBoxes)
		}
		if size-off < 8 {
			return nil, damaged("%d stray bytes at the end", size-off)
		}
		n, err := r.ReadAt(hdr[:min(int64(len(hdr)), size-off)], off)
		if n < 8 {
			return nil, readError(err, off)
		}
		h, err := bmff.ParseHeader(hdr[:n])
		if err != nil || n < h.Len {
			return nil, damaged("box header cut short at offset %d", off)
		}
		bsize := int64(h.Size)
		switch {
		case h.Size == 0 && !h.Large:
			bsize = size - off // runs to the end of the file
		case h.Size > uint64(size-off):
			return nil, damaged("%q box at offset %d claims %d bytes, past the end of the file (%d bytes)", printable.String(h.Type), off, h.Size, size)
		}
		if bsize < int64(h.Len) {
			return nil, damaged("%q box at offset %d claims %d bytes, less than its header", printable.String(h.Type), off, bsize)
		}
		b := &Box{Type: h.Type, Start: off, End: off + bsize, HeaderLen: h.Len}
		if h.Type == "uuid" {
			b.UserType = string(hdr[h.Len-16 : h.Len])
		}
		out = append(out, b)
		off += bsize
	}
	return out, nil
}

// readData reads a box's payload into memory.
func readData(r io.ReaderAt, b *Box, limit int64) error {
	n := b.End - b.PayloadStart()
	if n > limit {
		return fmt.Errorf("%w: %q box of %d bytes", ErrTooLarge, b.Name(), b.Size())
	}
	b.Data = make([]byte, n)
	k, err := r.ReadAt(b.Data, b.PayloadStart())
	if int64(k) < n {
		return readError(err, b.PayloadStart()+int64(k))
	}
	return nil
}

func readError(err error, off int64) error {
	if err == nil || errors.Is(err, io.EOF) {
		return damaged("the file ends early, at offset %d", off)
	}
	return fmt.Errorf("reading at offset %d: %w", off, err)
}

// walkMemory splits p, which starts at offset base in the file, into
// boxes, descending into containers.
func walkMemory(p []byte, base int64, depth int, count *int) ([]*Box, error) {
	if depth > MaxDepth {
		return nil, damaged("boxes nested more than %d deep", MaxDepth)
	}
	var out []*Box
	for i := 0; i < len(p); {
		*count++
		if *count > MaxBoxes {
			return nil, fmt.Errorf("%w: more than %d boxes", ErrTooLarge, MaxBoxes)
		}
		if len(p)-i < 8 {
			// QuickTime ends some lists with a 4-byte zero terminator.
			if allZero(p[i:]) {
				break
			}
			return nil, damaged("%d stray bytes at offset %d", len(p)-i, base+int64(i))
		}
		h, err := bmff.ParseHeader(p[i:])
		if err != nil || len(p)-i < h.Len {
			return nil, damaged("box header cut short at offset %d", base+int64(i))
		}
		size := h.Size
		if size == 0 && !h.Large {
			if h.Type == "\x00\x00\x00\x00" || allZero(p[i:]) {
				break // a QuickTime terminator
			}
			size = uint64(len(p) - i)
		}
		if size < uint64(h.Len) || size > uint64(len(p)-i) {
			return nil, damaged("%q box at offset %d claims %d bytes, more than its container holds", printable.String(h.Type), base+int64(i), size)
		}
		b := &Box{Type: h.Type, Start: base + int64(i), End: base + int64(i) + int64(size), HeaderLen: h.Len, Data: p[i+h.Len : i+int(size)]}
		if h.Type == "uuid" {
			b.UserType = string(p[i+h.Len-16 : i+h.Len])
		}
		switch {
		case containers[h.Type]:
			if b.Kids, err = walkMemory(b.Data, b.PayloadStart(), depth+1, count); err != nil {
				return nil, err
			}
		case h.Type == "meta":
			// A full box in ISO files and in Apple's moov/meta; a plain
			// container in some QuickTime udta/meta.
			skip := 4
			if len(b.Data) >= 8 && string(b.Data[4:8]) == "hdlr" {
				skip = 0
			}
			if len(b.Data) >= skip {
				if b.Kids, err = walkMemory(b.Data[skip:], b.PayloadStart()+int64(skip), depth+1, count); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, b)
		i += int(size)
	}
	return out, nil
}

func allZero(p []byte) bool {
	for _, c := range p {
		if c != 0 {
			return false
		}
	}
	return true
}

func parseFtyp(p []byte) *Ftyp {
	f := &Ftyp{}
	if len(p) >= 8 {
		f.Major, f.Minor = string(p[:4]), binary.BigEndian.Uint32(p[4:8])
		for i := 8; i+4 <= len(p); i += 4 {
			f.Compatible = append(f.Compatible, string(p[i:i+4]))
		}
	}
	return f
}
