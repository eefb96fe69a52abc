package clean

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// A sampleFilter takes identifying units out of a video sample without
// touching the coded picture: SEI and filler NAL units from H.264 and HEVC,
// metadata and padding OBUs from AV1, user data from MPEG-4 Part 2. The
// cleaner calls measure on every sample first, to learn the sizes of the
// output's samples before writing its movie box, then copy while writing
// the samples; both make the same decisions, and copy's count must equal
// measure's.
type sampleFilter interface {
	// measure returns the sample's size once filtered and how many units
	// it drops; it reads only what it needs through win.
	measure(win *window, off int64, n uint32) (uint32, int, error)
	// copy writes the filtered sample, read from br, to w and returns how
	// many bytes it wrote.
	copy(w *bufio.Writer, br *bufio.Reader, n uint32) (uint32, error)
}

var errSample = errors.New("damaged video sample")

// window reads small pieces of a file near each other with few reads.
type window struct {
	r   io.ReaderAt
	buf []byte
	off int64 // file offset of buf[0]
	n   int   // valid bytes in buf
}

func newWindow(r io.ReaderAt) *window { return &window{r: r, buf: make([]byte, 64<<10), off: -1} }

// at returns n bytes (n ≤ 64 KiB) at off; the slice is valid until the next call.
func (w *window) at(off int64, n int) ([]byte, error) {
	if w.off < 0 || off < w.off || off+int64(n) > w.off+int64(w.n) {
		k, err := w.r.ReadAt(w.buf, off)
		if k < n {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			w.off = -1
			return nil, err
		}
		w.off, w.n = off, k
	}
	i := int(off - w.off)
	return w.buf[i : i+n], nil
}

// nalFilter walks the length-prefixed NAL units of H.264 (avcC) and HEVC
// (hvcC) samples, keeping those keep accepts by their header's first byte.
type nalFilter struct {
	lengthSize int
	keep       func(h byte) bool
}

// H.264 NAL unit types a cleaned sample keeps: coded slices (1-5),
// parameter sets (7, 8, 13, 15), access unit delimiters (9), ends of
// sequence and stream (10, 11), and the SVC/MVC/3D slice and prefix units
// (14, 19, 20, 21). SEI (6), filler (12) and reserved or unspecified types
// go: decoders ignore them, and they are where cameras and encoders write
// their names, settings and dates.
var avcKeep = [32]bool{1: true, 2: true, 3: true, 4: true, 5: true, 7: true, 8: true, 9: true, 10: true, 11: true,
	13: true, 14: true, 15: true, 19: true, 20: true, 21: true}

func avcKeepNAL(h byte) bool { return h&0x80 == 0 && avcKeep[h&0x1F] }

// HEVC NAL unit types a cleaned sample keeps: the defined coded slices
// (0-9, 16-21) and the parameter sets, delimiters and ends (32-37). Prefix
// and suffix SEI (39, 40), filler (38), and every reserved or unspecified
// type (including 62 and 63, where Dolby Vision puts its dynamic metadata)
// go.
func hevcKeepNAL(h byte) bool {
	t := h >> 1 & 0x3F
	return h&0x80 == 0 && (t <= 9 || t >= 16 && t <= 21 || t >= 32 && t <= 37)
}

func (f nalFilter) measure(win *window, off int64, n uint32) (uint32, int, error) {
	L := int64(f.lengthSize)
	end := off + int64(n)
	var size uint32
	dropped := 0
	for pos := off; pos < end; {
		if end-pos < L {
			return 0, 0, fmt.Errorf("%w: a NAL unit length is cut short", errSample)
		}
		p, err := win.at(pos, f.lengthSize)
		if err != nil {
			return 0, 0, err
		}
		nal := int64(readLength(p))
		pos += L
		if nal == 0 {
			dropped++ // an empty unit: nothing to keep
			continue
		}
		if nal > end-pos {
			return 0, 0, fmt.Errorf("%w: a NAL unit of %d bytes runs past its sample", errSample, nal)
		}
		h, err := win.at(pos, 1)
		if err != nil {
			return 0, 0, err
		}
		if f.keep(h[0]) {
			size += uint32(L + nal)
		} else {
			dropped++
		}
		pos += nal
	}
	return size, dropped, nil
}

func (f nalFilter) copy(w *bufio.Writer, br *bufio.Reader, n uint32) (uint32, error) {
	L := uint32(f.lengthSize)
	var written uint32
	for left := n; left > 0; {
		if left < L {
			return 0, fmt.Errorf("%w: a NAL unit length is cut short", errSample)
		}
		p, err := br.Peek(f.lengthSize)
		if err != nil {
			return 0, err
		}
		nal := readLength(p)
		left -= L
		if nal == 0 {
			br.Discard(f.lengthSize)
			continue
		}
		if nal > left {
			return 0, fmt.Errorf("%w: a NAL unit of %d bytes runs past its sample", errSample, nal)
		}
		p, err = br.Peek(f.lengthSize + 1)
		if err != nil {
			return 0, err
		}
		if f.keep(p[f.lengthSize]) {
			if err := copyN(w, br, int64(L+nal)); err != nil {
				return 0, err
			}
			written += L + nal
		} else if err := discard(br, int64(L+nal)); err != nil {
			return 0, err
		}
		left -= nal
	}
	return written, nil
}

func readLength(p []byte) uint32 {
	var v uint32
	for _, c := range p {
		v = v<<8 | uint32(c)
	}
	return v
}

// copyN copies n bytes from br to w without another buffer.
func copyN(w *bufio.Writer, br *bufio.Reader, n int64) error {
	for n > 0 {
		p, err := br.Peek(int(min(n, int64(br.Size()))))
		if len(p) == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if _, err := w.Write(p); err != nil {
			return err
		}
		br.Discard(len(p))
		n -= int64(len(p))
	}
	return nil
}

func discard(br *bufio.Reader, n int64) error {
	for n > 0 {
		k, err := br.Discard(int(min(n, 1<<30)))
		n -= int64(k)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// av1Filter walks the OBUs of AV1 samples, keeping sequence headers, frame
// headers, tile groups, frames and tile lists; metadata OBUs (HDR, scalability,
// timecodes and ITU-T T.35 user data), padding, temporal delimiters and
// reserved types go.
type av1Filter struct{}

var av1Keep = [16]bool{1: true, 3: true, 4: true, 6: true, 7: true, 8: true}

// av1Header reads an OBU header and size at the start of p (which holds at
// least the header, extension and up to 8 size bytes, or all that is left
// of the sample): the OBU's type, the length of its header and size field,
// and its payload length (-1 when it has no size field and so runs to the
// end of the sample).
func av1Header(p []byte) (typ byte, hlen int, size int64, err error) {
	if len(p) < 1 || p[0]&0x80 != 0 {
		return 0, 0, 0, fmt.Errorf("%w: bad OBU header", errSample)
	}
	typ, hlen = p[0]>>3&0x0F, 1
	if p[0]&0x04 != 0 {
		hlen++
	}
	if p[0]&0x02 == 0 {
		return typ, hlen, -1, nil
	}
	var v uint64
	for i := 0; i < 8; i++ {
		if hlen >= len(p) {
			return 0, 0, 0, fmt.Errorf("%w: an OBU size is cut short", errSample)
		}
		b := p[hlen]
		hlen++
		v |= uint64(b&0x7F) << (7 * i)
		if b&0x80 == 0 {
			if v > 1<<32 {
				return 0, 0, 0, fmt.Errorf("%w: an OBU of %d bytes", errSample, v)
			}
			return typ, hlen, int64(v), nil
		}
	}
	return 0, 0, 0, fmt.Errorf("%w: an OBU size of more than 8 bytes", errSample)
}

func (av1Filter) measure(win *window, off int64, n uint32) (uint32, int, error) {
	end := off + int64(n)
	var size uint32
	dropped := 0
	for pos := off; pos < end; {
		p, err := win.at(pos, int(min(10, end-pos)))
		if err != nil {
			return 0, 0, err
		}
		typ, hlen, body, err := av1Header(p)
		if err != nil {
			return 0, 0, err
		}
		if body < 0 {
			body = end - pos - int64(hlen)
		}
		if int64(hlen)+body > end-pos {
			return 0, 0, fmt.Errorf("%w: an OBU runs past its sample", errSample)
		}
		if av1Keep[typ] {
			size += uint32(int64(hlen) + body)
		} else {
			dropped++
		}
		pos += int64(hlen) + body
	}
	return size, dropped, nil
}

func (av1Filter) copy(w *bufio.Writer, br *bufio.Reader, n uint32) (uint32, error) {
	var written uint32
	for left := int64(n); left > 0; {
		p, err := br.Peek(int(min(10, left)))
		if err != nil {
			return 0, err
		}
		typ, hlen, body, err := av1Header(p)
		if err != nil {
			return 0, err
		}
		if body < 0 {
			body = left - int64(hlen)
		}
		unit := int64(hlen) + body
		if unit > left {
			return 0, fmt.Errorf("%w: an OBU runs past its sample", errSample)
		}
		if av1Keep[typ] {
			if err := copyN(w, br, unit); err != nil {
				return 0, err
			}
			written += uint32(unit)
		} else if err := discard(br, unit); err != nil {
			return 0, err
		}
		left -= unit
	}
	return written, nil
}

// maxScanSample bounds an MPEG-4 Part 2 sample, which is read whole to find
// its start codes.
const maxScanSample = 64 << 20

// mp4vFilter takes user data (start code 0x1B2: encoder names such as
// "DivX503b1393p" or "Lavc") out of MPEG-4 Part 2 samples.
type mp4vFilter struct{ buf []byte }

// withoutUserData returns p without its user data: each run from a 00 00 01
// B2 start code to the next start code (or the end).
func withoutUserData(p []byte) ([]byte, int) {
	i := bytes.Index(p, []byte{0, 0, 1, 0xB2})
	if i < 0 {
		return p, 0
	}
	out := append([]byte(nil), p[:i]...)
	dropped := 0
	for i >= 0 {
		dropped++
		rest := p[i+4:]
		j := bytes.Index(rest, []byte{0, 0, 1})
		if j < 0 {
			break
		}
		rest = rest[j:]
		k := bytes.Index(rest, []byte{0, 0, 1, 0xB2})
		if k < 0 {
			out = append(out, rest...)
			break
		}
		out = append(out, rest[:k]...)
		p, i = rest, k
	}
	return out, dropped
}

func (f *mp4vFilter) read(r io.Reader, n uint32) ([]byte, error) {
	if n > maxScanSample {
		return nil, fmt.Errorf("%w: an MPEG-4 sample of %d bytes", errSample, n)
	}
	if cap(f.buf) < int(n) {
		f.buf = make([]byte, n)
	}
	f.buf = f.buf[:n]
	_, err := io.ReadFull(r, f.buf)
	return f.buf, err
}

func (f *mp4vFilter) measure(win *window, off int64, n uint32) (uint32, int, error) {
	p, err := f.read(io.NewSectionReader(win.r, off, int64(n)), n)
	if err != nil {
		return 0, 0, err
	}
	out, dropped := withoutUserData(p)
	return uint32(len(out)), dropped, nil
}

func (f *mp4vFilter) copy(w *bufio.Writer, br *bufio.Reader, n uint32) (uint32, error) {
	p, err := f.read(br, n)
	if err != nil {
		return 0, err
	}
	out, _ := withoutUserData(p)
	_, err = w.Write(out)
	return uint32(len(out)), err
}
