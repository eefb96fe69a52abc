package mp4

import (
	"encoding/binary"
	"fmt"
)

// Track is one track of a movie.
type Track struct {
	Box *Box // the trak box
	// ID is the track ID of its tkhd; Flags its flags (1: enabled).
	ID, Flags uint32
	// Handler is the media handler type of mdia/hdlr ("vide", "soun",
	// "meta", "text", "tmcd", ...), or "" without one.
	Handler string
	// HandlerName is the handler's name, as stored (C or Pascal string).
	HandlerName string
	// Timescale and Duration come from mdhd.
	Timescale uint32
	Duration  uint64
	// Entries are the sample descriptions of stsd; nil without one.
	Entries []*SampleEntry
	// Stbl is the sample table box, or nil.
	Stbl *Box

	quickTime bool
	samples   *Samples
	err       error
}

// Kinds of sample entry, by the layout of their fixed fields.
const (
	OtherEntry = iota
	VisualEntry
	AudioEntry
)

// SampleEntry is one sample description of stsd.
type SampleEntry struct {
	Box *Box
	// Format is the entry's type ("avc1", "mp4a", "mebx", ...).
	Format string
	// Kind is VisualEntry or AudioEntry when the track's handler says
	// which fixed fields the entry has, else OtherEntry.
	Kind int
	// Fixed are the fixed fields after the box header (78 bytes for a
	// visual entry; 28, 44 or 64 for a sound entry by its version); Kids
	// are the boxes after them.
	Fixed []byte
	Kids  []*Box
	// Sound entries: the version of the QuickTime layout, channels, bits
	// a sample, and the version 1 packet fields.
	Version                   uint16
	Channels, SampleSize      uint16
	SamplesPerPacket, BytesPF uint32
	// KidsErr is why the boxes after the fixed fields could not be walked.
	KidsErr error
}

// Child returns the first box of type t after the fixed fields, or nil.
func (e *SampleEntry) Child(t string) *Box {
	for _, k := range e.Kids {
		if k.Type == t {
			return k
		}
	}
	return nil
}

func parseTrack(trak *Box, f *File) (*Track, error) {
	t := &Track{Box: trak, quickTime: f.QuickTime}
	if tkhd := trak.Child("tkhd"); tkhd != nil && len(tkhd.Data) >= 4 {
		p := tkhd.Data
		t.Flags = uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		switch {
		case p[0] == 1 && len(p) >= 24:
			t.ID = binary.BigEndian.Uint32(p[20:])
		case p[0] == 0 && len(p) >= 16:
			t.ID = binary.BigEndian.Uint32(p[12:])
		}
	}
	mdia := trak.Child("mdia")
	if h := mdia.Child("hdlr"); h != nil && len(h.Data) >= 12 {
		t.Handler = string(h.Data[8:12])
		if len(h.Data) > 24 {
			t.HandlerName = string(h.Data[24:])
		}
	}
	if m := mdia.Child("mdhd"); m != nil && len(m.Data) >= 4 {
		p := m.Data
		switch {
		case p[0] == 1 && len(p) >= 32:
			t.Timescale, t.Duration = binary.BigEndian.Uint32(p[20:]), binary.BigEndian.Uint64(p[24:])
		case p[0] == 0 && len(p) >= 20:
			t.Timescale, t.Duration = binary.BigEndian.Uint32(p[12:]), uint64(binary.BigEndian.Uint32(p[16:]))
		}
	}
	t.Stbl = mdia.Path("minf", "stbl")
	if stsd := t.Stbl.Child("stsd"); stsd != nil {
		es, err := parseStsd(stsd, t.Handler, f.QuickTime)
		if err != nil {
			return nil, err
		}
		t.Entries = es
	}
	return t, nil
}

// maxEntries bounds the sample descriptions of one track.
const maxEntries = 1024

func parseStsd(stsd *Box, handler string, quickTime bool) ([]*SampleEntry, error) {
	p := stsd.Data
	if len(p) < 8 {
		return nil, damaged("sample description box cut short")
	}
	count := binary.BigEndian.Uint32(p[4:])
	if count > maxEntries {
		return nil, fmt.Errorf("%w: %d sample descriptions", ErrTooLarge, count)
	}
	n := 0
	boxes, err := walkMemory(p[8:], stsd.PayloadStart()+8, MaxDepth, &n)
	if err != nil {
		return nil, err
	}
	if uint32(len(boxes)) != count {
		return nil, damaged("sample description box holds %d entries, says %d", len(boxes), count)
	}
	var out []*SampleEntry
	for _, b := range boxes {
		e := &SampleEntry{Box: b, Format: b.Type}
		fixed := 0
		switch handler {
		case "vide":
			e.Kind, fixed = VisualEntry, 78
		case "soun":
			e.Kind, fixed = AudioEntry, 28
			if len(b.Data) >= 28 {
				e.Version = binary.BigEndian.Uint16(b.Data[8:])
				e.Channels = binary.BigEndian.Uint16(b.Data[16:])
				e.SampleSize = binary.BigEndian.Uint16(b.Data[18:])
			}
			switch {
			case e.Version == 1 && quickTime:
				fixed = 44
				if len(b.Data) >= 44 {
					e.SamplesPerPacket = binary.BigEndian.Uint32(b.Data[28:])
					e.BytesPF = binary.BigEndian.Uint32(b.Data[36:])
				}
			case e.Version == 2 && quickTime:
				fixed = 64
			}
		default:
			fixed = 8 // reserved and data reference index
		}
		if len(b.Data) < fixed {
			return nil, damaged("%q sample description cut short", b.Name())
		}
		e.Fixed = b.Data[:fixed]
		n := 0
		e.Kids, e.KidsErr = walkMemory(b.Data[fixed:], b.PayloadStart()+int64(fixed), 2, &n)
		out = append(out, e)
	}
	return out, nil
}

// Chunk is a run of consecutive samples stored together.
type Chunk struct {
	Offset int64
	// First is the index of its first sample (from 0), N how many it holds.
	First, N uint32
	// Entry is the index (from 0) of its sample description.
	Entry uint32
	// Bytes is the chunk's length in the file.
	Bytes int64
}

// Samples are a track's sample table: the size of every sample and the
// chunks that place them in the file.
type Samples struct {
	Count uint32
	// Const is the size of every sample, or 0 when each has its own
	// (then sizes holds them, 4 bytes each, big-endian).
	Const  uint32
	sizes  []byte
	Chunks []Chunk
	// Large is set when the chunk offsets were 64-bit (co64).
	Large bool
}

// Size returns the size of sample i.
func (s *Samples) Size(i uint32) uint32 {
	if s.Const != 0 {
		return s.Const
	}
	return binary.BigEndian.Uint32(s.sizes[4*i:])
}

// Bytes is the total length of all the track's samples.
func (s *Samples) Bytes() int64 {
	var n int64
	for _, c := range s.Chunks {
		n += c.Bytes
	}
	return n
}

// Samples returns the track's sample table, read once and checked: the
// sample sizes, chunk offsets and sample-to-chunk runs agree with each
// other, and every chunk lies inside the file.
func (t *Track) Samples(fileSize int64) (*Samples, error) {
	if t.samples == nil && t.err == nil {
		t.samples, t.err = t.readSamples(fileSize)
	}
	return t.samples, t.err
}

func (t *Track) readSamples(fileSize int64) (*Samples, error) {
	st := t.Stbl
	if st == nil {
		return nil, damaged("track %d has no sample table", t.ID)
	}
	s := &Samples{}
	if err := s.readSizes(st); err != nil {
		return nil, fmt.Errorf("track %d: %w", t.ID, err)
	}
	offs, err := chunkOffsets(st)
	if err != nil {
		return nil, fmt.Errorf("track %d: %w", t.ID, err)
	}
	s.Large = offs.width == 8
	stsc := st.Child("stsc")
	if stsc == nil || len(stsc.Data) < 8 {
		return nil, damaged("track %d has no sample-to-chunk table", t.ID)
	}
	runs := binary.BigEndian.Uint32(stsc.Data[4:])
	if uint64(runs)*12 != uint64(len(stsc.Data)-8) {
		return nil, damaged("track %d: sample-to-chunk table of %d bytes for %d entries", t.ID, len(stsc.Data)-8, runs)
	}
	nChunks := offs.n
	s.Chunks = make([]Chunk, 0, nChunks)
	var sample uint64
	for r := uint32(0); r < runs; r++ {
		e := stsc.Data[8+12*r:]
		first, per, desc := binary.BigEndian.Uint32(e), binary.BigEndian.Uint32(e[4:]), binary.BigEndian.Uint32(e[8:])
		last := nChunks // chunks of this run: [first, last] from 1
		if r+1 < runs {
			next := binary.BigEndian.Uint32(stsc.Data[8+12*(r+1):])
			if next <= first {
				return nil, damaged("track %d: sample-to-chunk runs out of order", t.ID)
			}
			last = min(next-1, nChunks)
		}
		switch {
		case r == 0 && first != 1:
			return nil, damaged("track %d: sample-to-chunk table does not start at the first chunk", t.ID)
		case first > nChunks:
			return nil, damaged("track %d: sample-to-chunk table names chunk %d of %d", t.ID, first, nChunks)
		case per == 0:
			return nil, damaged("track %d: a chunk of no samples", t.ID)
		case desc == 0 || desc > uint32(len(t.Entries)):
			return nil, damaged("track %d: chunk with sample description %d of %d", t.ID, desc, len(t.Entries))
		}
		for c := first; c <= last; c++ {
			if sample+uint64(per) > uint64(s.Count) {
				return nil, damaged("track %d: its chunks hold more samples than its %d sizes", t.ID, s.Count)
			}
			ch := Chunk{Offset: offs.at(c - 1), First: uint32(sample), N: per, Entry: desc - 1}
			ch.Bytes, err = t.chunkBytes(s, ch)
			if err != nil {
				return nil, err
			}
			if ch.Offset < 0 || ch.Bytes > fileSize || ch.Offset > fileSize-ch.Bytes {
				return nil, damaged("track %d: chunk %d (%d bytes at offset %d) lies past the end of the file", t.ID, c, ch.Bytes, ch.Offset)
			}
			s.Chunks = append(s.Chunks, ch)
			sample += uint64(per)
		}
	}
	if len(s.Chunks) != int(nChunks) || sample != uint64(s.Count) {
		return nil, damaged("track %d: sample tables disagree (%d of %d chunks, %d of %d samples placed)", t.ID, len(s.Chunks), nChunks, sample, s.Count)
	}
	return s, nil
}

// readSizes reads stsz or stz2.
func (s *Samples) readSizes(st *Box) error {
	if b := st.Child("stsz"); b != nil {
		p := b.Data
		if len(p) < 12 {
			return damaged("sample size table cut short")
		}
		s.Const, s.Count = binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:])
		if s.Count > MaxSamples {
			return fmt.Errorf("%w: %d samples in one track", ErrTooLarge, s.Count)
		}
		if s.Const == 0 {
			if uint64(len(p)-12) != 4*uint64(s.Count) {
				return damaged("sample size table of %d bytes for %d samples", len(p)-12, s.Count)
			}
			s.sizes = p[12:]
		}
		return nil
	}
	b := st.Child("stz2")
	if b == nil {
		return damaged("no sample size table")
	}
	p := b.Data
	if len(p) < 12 {
		return damaged("compact sample size table cut short")
	}
	field, count := p[7], binary.BigEndian.Uint32(p[8:])
	if count > MaxSamples {
		return fmt.Errorf("%w: %d samples in one track", ErrTooLarge, count)
	}
	if field != 4 && field != 8 && field != 16 {
		return damaged("compact sample sizes of %d bits", field)
	}
	if uint64(len(p)-12)*8 < uint64(count)*uint64(field) {
		return damaged("compact sample size table cut short")
	}
	s.Count = count
	s.sizes = make([]byte, 4*int(count))
	for i := range int(count) {
		var v uint32
		switch field {
		case 4:
			v = uint32(p[12+i/2])
			if i%2 == 0 {
				v >>= 4
			}
			v &= 15
		case 8:
			v = uint32(p[12+i])
		case 16:
			v = uint32(binary.BigEndian.Uint16(p[12+2*i:]))
		}
		binary.BigEndian.PutUint32(s.sizes[4*i:], v)
	}
	return nil
}

// offsets is a chunk offset table (stco or co64) read in place.
type offsets struct {
	table []byte
	width int
	n     uint32
}

func (o offsets) at(i uint32) int64 {
	if o.width == 4 {
		return int64(binary.BigEndian.Uint32(o.table[4*i:]))
	}
	v := binary.BigEndian.Uint64(o.table[8*i:])
	if v > 1<<62 {
		return -1
	}
	return int64(v)
}

// chunkOffsets finds stco or co64.
func chunkOffsets(st *Box) (offsets, error) {
	b, width := st.Child("stco"), 4
	if b == nil {
		b, width = st.Child("co64"), 8
	}
	if b == nil || len(b.Data) < 8 {
		return offsets{}, damaged("no chunk offset table")
	}
	n := binary.BigEndian.Uint32(b.Data[4:])
	if uint64(len(b.Data)-8) != uint64(n)*uint64(width) {
		return offsets{}, damaged("chunk offset table of %d bytes for %d chunks", len(b.Data)-8, n)
	}
	if n > MaxSamples {
		return offsets{}, fmt.Errorf("%w: %d chunks in one track", ErrTooLarge, n)
	}
	return offsets{table: b.Data[8:], width: width, n: n}, nil
}

// chunkBytes is the length of a chunk's samples in the file.
func (t *Track) chunkBytes(s *Samples, c Chunk) (int64, error) {
	if s.Const == 0 {
		var n int64
		for i := c.First; i < c.First+c.N; i++ {
			n += int64(s.Size(i))
		}
		return n, nil
	}
	if s.Const == 1 && t.Handler == "soun" && t.quickTime {
		return t.Entries[c.Entry].oldSoundBytes(c.N, t.ID)
	}
	return int64(c.N) * int64(s.Const), nil
}

// pcmFormats are the uncompressed sound formats of old QuickTime files,
// whose sample table counts audio frames ("samples" of one byte).
var pcmFormats = map[string]bool{
	"raw ": true, "twos": true, "sowt": true, "NONE": true, "in24": true, "in32": true,
	"fl32": true, "fl64": true, "ulaw": true, "alaw": true, "\x00\x00\x00\x00": true,
}

// oldSoundBytes is the length of n audio frames of an old QuickTime sound
// track, whose sample size of 1 counts frames, not bytes.
func (e *SampleEntry) oldSoundBytes(n, id uint32) (int64, error) {
	switch {
	case e.Version == 1 && e.SamplesPerPacket > 0 && e.BytesPF > 0:
		if n%e.SamplesPerPacket != 0 {
			return 0, damaged("track %d: a chunk of %d frames is not whole packets of %d", id, n, e.SamplesPerPacket)
		}
		return int64(n/e.SamplesPerPacket) * int64(e.BytesPF), nil
	case e.Version == 0 && pcmFormats[e.Format] && e.Channels > 0:
		bits := int64(e.SampleSize)
		if e.Format == "ulaw" || e.Format == "alaw" {
			bits = 8
		}
		if bits == 0 || bits%8 != 0 {
			return 0, damaged("track %d: sound of %d bits a sample", id, bits)
		}
		return int64(n) * int64(e.Channels) * bits / 8, nil
	}
	return 0, fmt.Errorf("%w: track %d stores %q sound in an old QuickTime layout Veil does not read", ErrDamaged, id, e.Format)
}
