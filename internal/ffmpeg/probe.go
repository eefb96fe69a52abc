package ffmpeg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Rational is a fraction as FFmpeg gives frame rates and time bases.
type Rational struct{ Num, Den int64 }

// Float returns the fraction's value, or 0 when it has none (x/0).
func (r Rational) Float() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

func (r Rational) String() string { return fmt.Sprintf("%d/%d", r.Num, r.Den) }

// parseRational reads "30000/1001" (or a plain integer).
func parseRational(s string) (Rational, bool) {
	n, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	num, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return Rational{}, false
	}
	if !ok {
		return Rational{num, 1}, true
	}
	den, err := strconv.ParseInt(d, 10, 64)
	if err != nil {
		return Rational{}, false
	}
	return Rational{num, den}, true
}

// Info is what ffprobe tells about a file.
type Info struct {
	// Format is the demuxer that read it ("mov,mp4,m4a,3gp,3g2,mj2").
	Format   string
	Duration time.Duration // 0 when unknown
	Size     int64
	Streams  []Stream
	// Tags are the container's and the streams' tags, with ProbeOptions.Tags.
	Tags []Tag
}

// Tag is one tag of a file (Stream -1) or of one of its streams.
type Tag struct {
	Stream     int
	Key, Value string
}

// Stream is one stream of a file.
type Stream struct {
	Index int    // ffprobe's index, for StreamIndex
	Type  string // "video", "audio", "data", "subtitle", ...
	Codec string // "h264", "hevc", "aac", ... ("" for unknown data)
	Tag   string // the codec tag ("avc1", "mebx", ...)
	// Width and Height are the stored picture's size, before rotation.
	Width, Height int
	PixFmt        string
	FrameRate     Rational // r_frame_rate
	AvgFrameRate  Rational // avg_frame_rate
	TimeBase      Rational
	Start         time.Duration
	Duration      time.Duration // 0 when unknown
	Frames        int64         // frames the container lists; 0 when unknown
	// Rotation is the display matrix's rotation in degrees, as ffprobe
	// reports it (counter-clockwise; an iPhone portrait video says -90).
	Rotation int
	// CoverArt marks an attached picture (a cover), not a moving video.
	CoverArt bool
}

// Clockwise is how far (0, 90, 180 or 270 degrees) the stored picture must
// be turned clockwise to be shown upright, as players and FFmpeg's
// autorotation do.
func (s Stream) Clockwise() int {
	d := int(math.Round(float64(-s.Rotation)/90)) * 90
	return ((d % 360) + 360) % 360
}

// DisplaySize is the picture's size as shown, after rotation.
func (s Stream) DisplaySize() (w, h int) {
	if s.Clockwise()%180 == 90 {
		return s.Height, s.Width
	}
	return s.Width, s.Height
}

// Rate is the frame rate vPDQ's reference uses: avg_frame_rate, or
// r_frame_rate when that is unknown; 0 when neither is known.
func (s Stream) Rate() float64 {
	if s.AvgFrameRate.Num != 0 && s.AvgFrameRate.Den != 0 {
		return s.AvgFrameRate.Float()
	}
	return s.FrameRate.Float()
}

// Video returns the first video stream that is not a cover picture.
func (i *Info) Video() (Stream, bool) {
	for _, s := range i.Streams {
		if s.Type == "video" && !s.CoverArt {
			return s, true
		}
	}
	return Stream{}, false
}

// FirstVideo returns the first video stream of any kind, which is the one
// vPDQ's reference hashes.
func (i *Info) FirstVideo() (Stream, bool) {
	for _, s := range i.Streams {
		if s.Type == "video" {
			return s, true
		}
	}
	return Stream{}, false
}

// ProbeOptions choose what Probe may open.
type ProbeOptions struct {
	// Formats are demuxers allowed besides DefaultFormats (for example
	// "matroska" for a caller that handles MKV and WebM).
	Formats []string
	// Tags also reads the container's and the streams' tags (titles,
	// dates, encoders, places): for showing a user what a file holds.
	Tags bool
}

// maxProbeOutput bounds what Veil reads from ffprobe.
const maxProbeOutput = 8 << 20

// Probe reads a file's streams with ffprobe, under the same hardening as
// every FFmpeg run and a 30-second limit (Limits.Timeout to change it).
func (r *Runner) Probe(ctx context.Context, path string, opt ProbeOptions) (*Info, error) {
	src, err := fileSource(path, opt.Formats)
	if err != nil {
		return nil, err
	}
	return r.probe(ctx, src, opt.Tags)
}

// ProbeOf is Probe for an open file, which need not have a name (see
// FramesOf).
func (r *Runner) ProbeOf(ctx context.Context, f *os.File, opt ProbeOptions) (*Info, error) {
	src, err := openSource(f, 3, opt.Formats)
	if err != nil {
		return nil, err
	}
	return r.probe(ctx, src, opt.Tags)
}

func (r *Runner) probe(ctx context.Context, src source, tags bool) (*Info, error) {
	timeout := r.Limits.Timeout
	if timeout <= 0 {
		timeout = probeTimeout
	}
	p, out, err := start(ctx, startOptions{prog: r.ffprobe, args: probeArgs(r.Limits, src, tags), limits: r.Limits, timeout: timeout, wantOut: true, inherit: src.inherited()})
	if err != nil {
		return nil, err
	}
	p.wd.waiting()
	b, rerr := io.ReadAll(io.LimitReader(out, maxProbeOutput+1))
	out.Close()
	if err := p.wait(); err != nil {
		return nil, err
	}
	if rerr != nil {
		return nil, rerr
	}
	if len(b) > maxProbeOutput {
		return nil, &Error{Reason: "ffprobe's description of it is too long", kind: ErrTooLarge}
	}
	info, err := parseProbe(b)
	if err != nil {
		return nil, &Error{Reason: "could not read ffprobe's description of it: " + err.Error(), kind: ErrDamaged}
	}
	return info, nil
}

// jsonText takes a JSON string or number as its text: ffprobe writes some
// numbers as strings ("duration": "4.001667") and others bare.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
		return nil
	}
	*t = jsonText(bytes.TrimSpace(b))
	return nil
}

func (t jsonText) int() int64 {
	n, err := strconv.ParseInt(string(t), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// seconds reads a duration in seconds; unknown ("N/A"), negative or
// absurd values (over a year) give 0.
func (t jsonText) seconds() time.Duration {
	f, err := strconv.ParseFloat(string(t), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 366*24*3600 {
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}

func (t jsonText) rational() Rational {
	r, _ := parseRational(string(t))
	return r
}

// parseProbe reads ffprobe's JSON.
func parseProbe(b []byte) (*Info, error) {
	var doc struct {
		Streams []struct {
			Index       jsonText `json:"index"`
			Type        string   `json:"codec_type"`
			Codec       string   `json:"codec_name"`
			Tag         string   `json:"codec_tag_string"`
			Width       jsonText `json:"width"`
			Height      jsonText `json:"height"`
			PixFmt      string   `json:"pix_fmt"`
			RFrameRate  jsonText `json:"r_frame_rate"`
			AvgRate     jsonText `json:"avg_frame_rate"`
			TimeBase    jsonText `json:"time_base"`
			Start       jsonText `json:"start_time"`
			Duration    jsonText `json:"duration"`
			Frames      jsonText `json:"nb_frames"`
			Disposition struct {
				AttachedPic jsonText `json:"attached_pic"`
			} `json:"disposition"`
			SideData []struct {
				Type     string   `json:"side_data_type"`
				Rotation jsonText `json:"rotation"`
			} `json:"side_data_list"`
			Tags map[string]jsonText `json:"tags"`
		} `json:"streams"`
		Format *struct {
			Name     string              `json:"format_name"`
			Duration jsonText            `json:"duration"`
			Size     jsonText            `json:"size"`
			Tags     map[string]jsonText `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if doc.Format == nil {
		return nil, fmt.Errorf("no format section")
	}
	info := &Info{Format: doc.Format.Name, Duration: doc.Format.Duration.seconds(), Size: max(0, doc.Format.Size.int())}
	info.addTags(-1, doc.Format.Tags)
	for _, s := range doc.Streams {
		st := Stream{
			Index: int(s.Index.int()), Type: s.Type, Codec: s.Codec, Tag: s.Tag,
			Width: clampInt(s.Width.int()), Height: clampInt(s.Height.int()), PixFmt: s.PixFmt,
			FrameRate: s.RFrameRate.rational(), AvgFrameRate: s.AvgRate.rational(), TimeBase: s.TimeBase.rational(),
			Start: s.Start.seconds(), Duration: s.Duration.seconds(), Frames: max(0, s.Frames.int()),
			CoverArt: s.Disposition.AttachedPic.int() == 1,
		}
		for _, sd := range s.SideData {
			if sd.Type == "Display Matrix" {
				if f, err := strconv.ParseFloat(string(sd.Rotation), 64); err == nil && f >= -360 && f <= 360 {
					st.Rotation = int(math.Round(f))
				}
			}
		}
		info.Streams = append(info.Streams, st)
		info.addTags(st.Index, s.Tags)
	}
	return info, nil
}

// addTags adds a section's tags in key order, so that a report lists them
// the same way each time.
func (i *Info) addTags(stream int, m map[string]jsonText) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		i.Tags = append(i.Tags, Tag{Stream: stream, Key: k, Value: string(m[k])})
	}
}

// clampInt keeps a picture side in a sane range (0 for nonsense).
func clampInt(n int64) int {
	if n < 0 || n > 1<<20 {
		return 0
	}
	return int(n)
}
