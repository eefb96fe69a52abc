package fingerprint

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"codeberg.org/veil/veil/fingerprint/vpdq"
	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/photo"
)

// VideoLabel names a video's MD5 for what it is used for.
const VideoLabel = "StopNCII.org and Take It Down video hash (MD5 of the exact file)"

// VideoNote says in plain words what a video's MD5 can and cannot match.
const VideoNote = "A video's MD5 matches only a byte-identical copy of that exact file. " +
	"A copy sent through a messaging app, trimmed, converted or screen-recorded has different bytes and a different MD5: " +
	"hash every copy you have. Never hash a cleaned or redacted copy for a report; report the original."

// VideoPDQ is a video's vPDQ hash as a report carries it.
type VideoPDQ struct {
	// Frames is pytx's VideoVPDQSignal: one "hex,quality,timestamp" per
	// hashed frame.
	Frames []string `json:"frames"`
	// SecondsPerHash is the interval between hashed frames (0: every frame).
	SecondsPerHash float64 `json:"seconds_per_hash"`
	FrameRate      float64 `json:"frame_rate"`
	// Usable counts frames of quality vpdq.QualityThreshold or more, the
	// ones matching uses.
	Usable int `json:"usable_frames"`
	// PixelPath names the FFmpeg version and pixel path the frames came
	// from ("identical to the reference" depends on it).
	PixelPath string `json:"pixel_path"`
}

// VideoPDQOptions ask for vPDQ hashes of videos.
type VideoPDQOptions struct {
	// SecondsPerHash hashes one frame every this many seconds (pytx's
	// default is 1); 0 hashes every frame.
	SecondsPerHash float64
	// SIMD uses FFmpeg's default SIMD pixel path instead of plain C.
	SIMD bool
	// FFmpeg runs the decoder; nil finds the system's.
	FFmpeg *ffmpeg.Runner
}

// Progress tells how far the work on one file is.
type Progress struct {
	File string
	// Step is StepReading (Done and Total in bytes) or StepVideoPDQ
	// (frames; Total 0 when the file does not say).
	Step        string
	Done, Total int64
}

// Steps of Progress.
const (
	StepReading  = "reading"
	StepVideoPDQ = "vPDQ"
)

// addVideoPDQ computes r's vPDQ hash; a failure is r's error, the
// digests stay.
func addVideoPDQ(ctx context.Context, path string, opt Options, r *Result) {
	o := opt.VideoPDQ
	ff := o.FFmpeg
	if ff == nil {
		var err error
		if ff, err = ffmpeg.New(); err != nil {
			r.Error = "no vPDQ hash: " + err.Error()
			return
		}
	}
	vo := vpdq.Options{SecondsPerHash: o.SecondsPerHash, SIMD: o.SIMD}
	if opt.Progress != nil {
		vo.Progress = func(done, total int64) {
			opt.Progress(Progress{File: path, Step: StepVideoPDQ, Done: done, Total: total})
		}
	}
	res, err := vpdq.Hash(ctx, ff, path, vo)
	if err != nil {
		if ctx.Err() != nil {
			r.Error = "cancelled"
			return
		}
		r.Error = "no vPDQ hash: " + err.Error()
		return
	}
	v := &VideoPDQ{Frames: res.Strings(), SecondsPerHash: o.SecondsPerHash, FrameRate: res.FrameRate, PixelPath: res.PixelPath}
	for _, f := range res.Features {
		if f.Quality >= vpdq.QualityThreshold {
			v.Usable++
		}
	}
	r.VPDQ = v
	if res.TooSmall > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d frames are under 5 pixels wide or high: their vPDQ hashes are all zeros of quality 0, as the reference writes them.", res.TooSmall))
	}
	if v.Usable == 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("No frame has a vPDQ quality of %d or more: services matching by vPDQ will probably ignore this video.", vpdq.QualityThreshold))
	}
}

// Summary describes a vPDQ hash in one line.
func (v *VideoPDQ) Summary() string {
	every := "every frame"
	switch {
	case v.SecondsPerHash == 1:
		every = "one a second"
	case v.SecondsPerHash > 0:
		every = fmt.Sprintf("one every %g seconds", v.SecondsPerHash)
	}
	return fmt.Sprintf("%d frame hashes, %s, %d of quality %d or more (%s)", len(v.Frames), every, v.Usable, vpdq.QualityThreshold, v.PixelPath)
}

// videoExts are the video files recognised by name when their first bytes
// are not conclusive (QuickTime files can start with many atom types;
// MPEG streams have no magic of their own). ".ts" is left out: far more
// such files are TypeScript than MPEG transport streams, which are
// recognised by their packets instead.
var videoExts = map[string]bool{
	".mp4": true, ".mov": true, ".m4v": true, ".3gp": true, ".3g2": true, ".3gpp": true, ".qt": true,
	".avi": true, ".mkv": true, ".webm": true, ".wmv": true, ".asf": true,
	".mts": true, ".m2ts": true, ".mpg": true, ".mpeg": true, ".vob": true, ".flv": true, ".f4v": true, ".ogv": true, ".mxf": true,
}

// IsVideoName reports whether a file found in a folder looks like a video.
func IsVideoName(name string) bool { return videoExts[strings.ToLower(filepath.Ext(name))] }

// SniffLen is how much of the start of a file IsVideo needs to look at.
const SniffLen = 1024

// asfHeader is the GUID that starts every ASF (WMV) file.
var asfHeader = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}

// mxfHeader starts an MXF partition pack.
var mxfHeader = []byte{0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01}

// movieBoxes are the boxes an ISO base media or QuickTime movie may start
// with (old QuickTime files often begin with "wide", "mdat" or "free").
var movieBoxes = map[string]bool{"ftyp": true, "moov": true, "mdat": true, "wide": true, "free": true, "skip": true,
	"pnot": true, "uuid": true, "styp": true, "sidx": true, "moof": true}

// videoMagic recognises a video container from its first bytes.
func videoMagic(head []byte) bool {
	switch {
	case len(head) >= 8 && movieBoxes[string(head[4:8])]: // MP4, MOV, M4V, 3GP
		return true
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return true
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}): // Matroska, WebM
		return true
	case bytes.HasPrefix(head, asfHeader), bytes.HasPrefix(head, mxfHeader):
		return true
	case bytes.HasPrefix(head, []byte("FLV\x01")):
		return true
	case bytes.HasPrefix(head, []byte{0, 0, 1, 0xBA}): // MPEG program stream (.mpg, .vob)
		return true
	}
	return transportStream(head, 188, 0) || transportStream(head, 192, 4) // .ts, .mts and .m2ts
}

// transportStream reports whether head holds at least four MPEG-TS packets
// of the given size, each starting with the sync byte at offset.
func transportStream(head []byte, size, offset int) bool {
	n := 0
	for i := offset; i < len(head); i += size {
		if head[i] != 0x47 {
			return false
		}
		n++
	}
	return n >= 4
}

// isVideo recognises a video from its first bytes, or from its name when the
// bytes are not an image Veil reads.
func isVideo(head []byte, name string) bool {
	return videoMagic(head) || IsVideoName(name)
}

// IsVideo reports whether a file whose first bytes are head (SniffLen of
// them, or the whole file when shorter) and whose name is name is a video:
// not a picture Veil reads, and a video container by its bytes or, failing
// that, its name. It is the one test the command line and the app share.
func IsVideo(head []byte, name string) bool {
	return photo.Sniff(head) == photo.Unknown && isVideo(head, name)
}
