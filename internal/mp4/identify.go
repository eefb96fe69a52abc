package mp4

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"syscall"
)

// The names OtherContainer gives the containers FFmpeg can copy (Demuxer).
const (
	matroska        = "a Matroska or WebM file"
	avi             = "an AVI file"
	transportStream = "an MPEG transport stream (MTS/M2TS, AVCHD)"
)

// OtherContainer names what the first bytes of r show a file to be when it
// is a video or playlist that is not an ISO base media or QuickTime movie
// ("a Matroska or WebM file", "an AVI file", "an MPEG transport stream
// (MTS/M2TS, AVCHD)", "a playlist (HLS)"), or "" when they show none of
// these. It lets a refusal say what the file is.
func OtherContainer(r io.ReaderAt, size int64) string {
	var b [600]byte
	n, _ := r.ReadAt(b[:min(int64(len(b)), max(size, 0))], 0)
	p := b[:n]
	if len(p) >= 3 && string(p[:3]) == "\xef\xbb\xbf" {
		p = p[3:]
	}
	switch {
	case len(p) >= 4 && string(p[:4]) == "\x1a\x45\xdf\xa3":
		return matroska
	case len(p) >= 12 && string(p[:4]) == "RIFF" && string(p[8:12]) == "AVI ":
		return avi
	case len(p) >= 7 && string(p[:7]) == "#EXTM3U", len(p) >= 7 && string(p[:7]) == "#EXT-X-":
		return "a playlist (HLS), not a video"
	case len(p) >= 4 && string(p[:4]) == "\x00\x00\x01\xba":
		return "an MPEG program stream (VOB/MPG)"
	case isTransportStream(p):
		return transportStream
	case len(p) >= 4 && string(p[:4]) == "OggS":
		return "an Ogg file"
	case len(p) >= 3 && string(p[:3]) == "FLV":
		return "a Flash video (FLV)"
	case len(p) >= 16 && binary.BigEndian.Uint32(p) == 0x3026b275:
		return "a Windows Media file (ASF/WMV)"
	}
	return ""
}

// Demuxer is the FFmpeg demuxer that reads a container OtherContainer
// named, for those whose video and audio FFmpeg can copy into a movie
// (Matroska and WebM, AVI, transport streams), else "".
func Demuxer(what string) string {
	switch what {
	case matroska:
		return "matroska"
	case avi:
		return "avi"
	case transportStream:
		return "mpegts"
	}
	return ""
}

// HeaderTime reads the timescale and duration of a movie or media header
// (mvhd, mdhd) payload: 64-bit fields in version 1, 32-bit ones otherwise;
// zero for one cut short.
func HeaderTime(p []byte) (scale uint32, dur uint64) {
	switch {
	case len(p) >= 32 && p[0] == 1:
		return binary.BigEndian.Uint32(p[20:]), binary.BigEndian.Uint64(p[24:])
	case len(p) >= 20:
		return binary.BigEndian.Uint32(p[12:]), uint64(binary.BigEndian.Uint32(p[16:]))
	}
	return 0, 0
}

func isTransportStream(p []byte) bool {
	for _, step := range []int{188, 192} {
		lead := 0
		if step == 192 {
			lead = 4
		}
		if len(p) > lead+2*step && p[lead] == 0x47 && p[lead+step] == 0x47 && p[lead+2*step] == 0x47 {
			return true
		}
	}
	return false
}

// Rotation returns the clockwise display rotation (0, 90, 180 or 270) that
// the track header's matrix applies, or 0 for any other matrix.
func (t *Track) Rotation() int {
	tkhd := t.Box.Child("tkhd")
	if tkhd == nil || len(tkhd.Data) < 4 {
		return 0
	}
	m := 40
	if tkhd.Data[0] == 1 {
		m = 52
	}
	if len(tkhd.Data) < m+36 {
		return 0
	}
	v := func(i int) int32 { return int32(binary.BigEndian.Uint32(tkhd.Data[m+4*i:])) }
	a, b, c, d := v(0), v(1), v(3), v(4)
	const one = 1 << 16
	switch {
	case a == 0 && b == one && c == -one && d == 0:
		return 90
	case a == -one && b == 0 && c == 0 && d == -one:
		return 180
	case a == 0 && b == -one && c == one && d == 0:
		return 270
	}
	return 0
}

// Size returns the track header's width and height, rounded to pixels.
func (t *Track) Size() (w, h int) {
	tkhd := t.Box.Child("tkhd")
	if tkhd == nil || len(tkhd.Data) < 4 {
		return 0, 0
	}
	o := 76
	if tkhd.Data[0] == 1 {
		o = 88
	}
	if len(tkhd.Data) < o+8 {
		return 0, 0
	}
	return int(binary.BigEndian.Uint32(tkhd.Data[o:]) >> 16), int(binary.BigEndian.Uint32(tkhd.Data[o+4:]) >> 16)
}

// OpenFile opens a movie for reading and returns it with its size. It
// never waits on a named pipe (the open does not block, and anything but a
// regular file is refused), so a hostile path cannot hang the caller.
func OpenFile(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, errors.New("not a regular file")
	}
	return f, st.Size(), nil
}
