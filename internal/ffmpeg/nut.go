package ffmpeg

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// A raw pipe of frames carries no timestamps: FFmpeg would number them at a
// constant rate, and a phone video's variable frame rate (and so its
// duration and its sync with the audio) would be lost on an encode. NUT is
// FFmpeg's own simple container, so Veil wraps the frames it made in it, each
// with its presentation timestamp in the source's own time base. Only what
// FFmpeg's demuxer needs is written: the file ID, one main header (version
// 3), one video stream header, then a syncpoint and a frame for each picture
// (a raw frame is far larger than the distance NUT allows between
// syncpoints). No info packet: nothing describes the source.

// NUT start codes (big-endian, 'N' first) and frame flags, from the NUT
// specification.
const (
	nutMainStart      = 0x4E4D7A561F5F04AD
	nutStreamStart    = 0x4E5311405BF2F9DB
	nutSyncpointStart = 0x4E4BE4ADEECA4569

	nutFlagKey      = 1
	nutFlagCodedPTS = 8
	nutFlagSizeMSB  = 32
	nutFlagChecksum = 64

	// nutMaxDistance is the largest distance between syncpoints the
	// demuxer honours; packets longer than 4096 bytes carry a header
	// checksum.
	nutMaxDistance  = 65536
	nutHeaderCutoff = 4096
)

// nutFileID opens every NUT file.
const nutFileID = "nut/multimedia container\x00"

// NUTVideo describes the one raw video stream of a NUT stream.
type NUTVideo struct {
	Width, Height int
	// Format is the pixels' layout: RGB24 or RGBA.
	Format PixelFormat
	// TimeBase is the unit of the frames' timestamps (the source stream's
	// time base keeps them exact).
	TimeBase Rational
}

// NUTWriter writes raw video frames with their timestamps as a NUT stream,
// for an encode's standard input (Input{Stdin: r, Format: "nut"}).
type NUTWriter struct {
	w       *bufio.Writer
	v       NUTVideo
	size    int
	lastPTS int64
	frames  int64
	err     error
}

// NewNUTWriter writes the NUT headers for v to w and returns the writer of
// its frames.
func NewNUTWriter(w io.Writer, v NUTVideo) (*NUTWriter, error) {
	if v.Width <= 0 || v.Height <= 0 || v.Width > 1<<16 || v.Height > 1<<16 {
		return nil, fmt.Errorf("nut: bad picture size %d×%d", v.Width, v.Height)
	}
	if v.Format != RGB24 && v.Format != RGBA {
		return nil, fmt.Errorf("nut: unknown pixel format %d", v.Format)
	}
	tb, ok := reduce(v.TimeBase)
	if !ok {
		return nil, fmt.Errorf("nut: bad time base %s", v.TimeBase)
	}
	v.TimeBase = tb
	n := &NUTWriter{w: bufio.NewWriterSize(w, 1<<16), v: v, size: v.Width * v.Height * v.Format.bytesPerPixel(), lastPTS: -1}
	n.w.WriteString(nutFileID)
	n.packet(nutMainStart, n.mainHeader())
	n.packet(nutStreamStart, n.streamHeader())
	return n, n.err
}

// reduce returns r in lowest terms, both parts positive and below 2^31 (as
// NUT requires).
func reduce(r Rational) (Rational, bool) {
	if r.Num <= 0 || r.Den <= 0 {
		return Rational{}, false
	}
	a, b := r.Num, r.Den
	for b != 0 {
		a, b = b, a%b
	}
	r = Rational{r.Num / a, r.Den / a}
	return r, r.Num < 1<<31 && r.Den < 1<<31
}

func (n *NUTWriter) mainHeader() []byte {
	var b []byte
	b = putV(b, 3) // version
	b = putV(b, 1) // streams
	b = putV(b, nutMaxDistance)
	b = putV(b, 1) // time bases
	b = putV(b, uint64(n.v.TimeBase.Num))
	b = putV(b, uint64(n.v.TimeBase.Den))
	// One run of the frame-code table covers all 255 codes (all but 'N'):
	// a key frame of stream 0 with its full timestamp, its whole size
	// coded, and a header checksum. Fields: pts delta 0, size multiplier
	// 1, stream 0, size lsb 0, reserved 0, count 255.
	b = putV(b, nutFlagKey|nutFlagCodedPTS|nutFlagSizeMSB|nutFlagChecksum)
	b = putV(b, 6)
	b = putS(b, 0)
	b = putV(b, 1)
	b = putV(b, 0)
	b = putV(b, 0)
	b = putV(b, 0)
	b = putV(b, 255)
	// No elision headers beyond the empty one (the demuxer needs the count).
	b = putV(b, 0)
	return b
}

func (n *NUTWriter) streamHeader() []byte {
	var b []byte
	b = putV(b, 0) // stream id
	b = putV(b, 0) // class: video
	tag := []byte{'R', 'G', 'B', 24}
	if n.v.Format == RGBA {
		tag = []byte{'R', 'G', 'B', 'A'}
	}
	b = putV(b, uint64(len(tag)))
	b = append(b, tag...)
	b = putV(b, 0)     // time base id
	b = putV(b, 0)     // msb_pts_shift: every timestamp is coded in full
	b = putV(b, 1<<30) // max_pts_distance
	b = putV(b, 0)     // decode delay: raw frames are never reordered
	b = putV(b, 0)     // stream flags
	b = putV(b, 0)     // no codec-specific data
	b = putV(b, uint64(n.v.Width))
	b = putV(b, uint64(n.v.Height))
	b = putV(b, 1) // sample aspect ratio 1:1
	b = putV(b, 1)
	b = putV(b, 0) // colour space: unknown
	return b
}

// packet writes one NUT packet: start code, forward pointer (with its own
// checksum when the packet is long), body and the body's checksum.
func (n *NUTWriter) packet(start uint64, body []byte) {
	var head []byte
	head = binary.BigEndian.AppendUint64(head, start)
	head = putV(head, uint64(len(body)+4))
	if len(body)+4 > nutHeaderCutoff {
		head = binary.BigEndian.AppendUint32(head, crcNUT(0, head))
	}
	n.write(head)
	n.write(body)
	n.write(binary.BigEndian.AppendUint32(nil, crcNUT(0, body)))
}

func (n *NUTWriter) write(b []byte) {
	if n.err == nil {
		_, n.err = n.w.Write(b)
	}
}

// WriteFrame writes one picture (Width×Height pixels in Format, rows packed)
// shown at pts, in TimeBase units. Timestamps must not be negative and must
// increase.
func (n *NUTWriter) WriteFrame(pts int64, pix []byte) error {
	if n.err != nil {
		return n.err
	}
	switch {
	case len(pix) != n.size:
		return fmt.Errorf("nut: frame of %d bytes, want %d", len(pix), n.size)
	case pts < 0:
		return fmt.Errorf("nut: negative timestamp %d", pts)
	case pts <= n.lastPTS:
		return fmt.Errorf("nut: timestamp %d does not follow %d", pts, n.lastPTS)
	case pts >= 1<<62:
		return fmt.Errorf("nut: timestamp %d too large", pts)
	}
	var sp []byte
	sp = putV(sp, uint64(pts)) // global key pts (one time base: pts·1 + 0)
	sp = putV(sp, 0)           // back pointer: this syncpoint (every frame is a key frame)
	n.packet(nutSyncpointStart, sp)
	head := []byte{0} // frame code 0
	head = putV(head, uint64(pts)+1)
	head = putV(head, uint64(len(pix)))
	head = binary.BigEndian.AppendUint32(head, crcNUT(0, head))
	n.write(head)
	n.write(pix)
	n.lastPTS = pts
	n.frames++
	return n.err
}

// Frames returns how many frames were written.
func (n *NUTWriter) Frames() int64 { return n.frames }

// Flush writes out what is buffered. A NUT stream needs no trailer: its end
// is the end of the data.
func (n *NUTWriter) Flush() error {
	if n.err != nil {
		return n.err
	}
	n.err = n.w.Flush()
	return n.err
}

// putV appends x as a NUT variable-length number: 7 bits a byte, most
// significant first, the top bit set on every byte but the last.
func putV(b []byte, x uint64) []byte {
	k := 1
	for y := x >> 7; y != 0; y >>= 7 {
		k++
	}
	for i := k - 1; i > 0; i-- {
		b = append(b, byte(x>>(7*i))|0x80)
	}
	return append(b, byte(x&0x7F))
}

// putS appends a signed NUT number (0, 1, -1, 2, -2... as 0, 1, 2, 3, 4...).
func putS(b []byte, x int64) []byte {
	if x > 0 {
		return putV(b, uint64(2*x-1))
	}
	return putV(b, uint64(-2*x))
}

// crcNUTTable is the CRC-32 of polynomial 0x04C11DB7, most significant bit
// first, that NUT checksums use (no reflection, no final inversion).
var crcNUTTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04C11DB7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

func crcNUT(crc uint32, b []byte) uint32 {
	for _, x := range b {
		crc = crcNUTTable[byte(crc>>24)^x] ^ crc<<8
	}
	return crc
}
