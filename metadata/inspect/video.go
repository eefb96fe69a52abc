package inspect

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/veil/veil/internal/ffmpeg"
	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
)

// ErrVideoUnsupported wraps the reasons a video is not inspected: a
// container other than MP4, MOV, M4V and 3GP, or a fragmented movie.
var ErrVideoUnsupported = errors.New("Veil cannot read this video")

// DamagedField is the Field of the finding that says a video's sample
// tables could not be read: its metadata is listed, but the file is
// damaged (and would not be cleaned).
const DamagedField = "Damaged file"

// maxSEISamples bounds the video samples searched for SEI units.
const maxSEISamples = 64

// Video reports the identifying data in the movie at path (MP4, MOV, M4V,
// 3GP, 3G2): location (ISO 6709 in udta ©xyz, 3GPP loci, Apple keys),
// device make and model, software and encoder names, capture dates (the
// movie, track and media headers, Apple's creation date with its time
// zone), Live-Photo pairing IDs, XMP, thumbnails in user data, timed
// metadata tracks (detected faces, GPS, camera motion, timecode, text) and
// SEI units inside the first video samples. Width and Height are the first
// video track's, Orientation the EXIF value of its rotation, and Video says
// what the file holds. It reads only the movie box and a few samples, so
// the file's size does not matter. Matroska/WebM, AVI, transport streams
// (MTS) and fragmented movies are read through FFmpeg when it is installed
// (their tags, and the first frames' SEI units and camera record); other
// containers get an error saying what they are.
func Video(ctx context.Context, path string) (r *metadata.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("unreadable video (inspector failed: %v)", p)
		}
	}()
	f, size, err := mp4.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err = inspectVideo(ctx, f, size)
	if !errors.Is(err, ErrVideoUnsupported) {
		return r, err
	}
	if d := convertible(f, size, err); d != "" {
		rc, cerr := converted(ctx, path, d)
		switch {
		case cerr == nil:
			return rc, nil
		case errors.Is(cerr, ffmpeg.ErrNotInstalled):
			return nil, fmt.Errorf("%w (with FFmpeg installed, Veil reads it through FFmpeg)", err)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (and reading it with FFmpeg failed: %v)", err, cerr)
	}
	return r, err
}

func inspectVideo(ctx context.Context, rd io.ReaderAt, size int64) (*metadata.Report, error) {
	if size == 0 {
		return nil, errors.New("the file is empty")
	}
	if what := mp4.OtherContainer(rd, size); what != "" {
		return nil, fmt.Errorf("%w: it is %s; only MP4, MOV, M4V and 3GP movies are read", ErrVideoUnsupported, what)
	}
	mf, err := mp4.Open(rd, size)
	switch {
	case errors.Is(err, mp4.ErrFragmented):
		return nil, fmt.Errorf("%w: %w", ErrVideoUnsupported, err)
	case errors.Is(err, mp4.ErrNotMovie):
		return nil, fmt.Errorf("%w: not an MP4, MOV or 3GP movie", ErrVideoUnsupported)
	case err != nil:
		return nil, err
	}
	in := &inspector{}
	v := &videoInspector{in: in, r: rd, f: mf}
	r := &metadata.Report{Orientation: 1, Video: &metadata.VideoInfo{Container: containerName(mf)}}
	v.top()
	v.header(mf.Moov.Child("mvhd"), "movie header (mvhd)")
	for _, b := range mf.Moov.Kids {
		switch b.Type {
		case "udta":
			v.udta(b, "movie user data (udta)")
		case "meta":
			v.meta(b, "movie metadata (meta)")
		case "uuid":
			v.uuid(b, "movie box")
		case "mvhd", "trak", "free", "skip", "wide":
		default:
			in.add(metadata.Other, metadata.Low, "movie box", "Unknown box "+strconv.Quote(b.Name()), sizeText(len(b.Data)))
		}
	}
	for i, t := range mf.Tracks {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v.track(t, i+1, r)
		if _, err := t.Samples(size); err != nil {
			in.add(metadata.Other, metadata.Medium, "container", DamagedField, errText(err))
		}
	}
	if mvhd := mf.Moov.Child("mvhd"); mvhd != nil {
		scale, dur := mp4.HeaderTime(mvhd.Data)
		if scale > 0 {
			r.Video.Duration = time.Duration(float64(dur) / float64(scale) * float64(time.Second))
		}
	}
	in.finish()
	r.Findings = in.findings
	return r, nil
}

func containerName(f *mp4.File) string {
	switch {
	case f.QuickTime:
		return metadata.MOV
	case strings.HasPrefix(f.Ftyp.Major, "M4V"):
		return metadata.M4V
	case strings.HasPrefix(f.Ftyp.Major, "3g2"):
		return metadata.GP2
	case strings.HasPrefix(f.Ftyp.Major, "3gp"):
		return metadata.GPP
	}
	return metadata.MP4
}

type videoInspector struct {
	in *inspector
	r  io.ReaderAt
	f  *mp4.File
}

func (v *videoInspector) top() {
	for _, b := range v.f.Top {
		switch b.Type {
		case "uuid":
			v.uuid(b, "top level")
		case "udta":
			v.udta(b, "top-level user data (udta)")
		case "meta":
			v.meta(b, "top-level metadata (meta)")
		case "free", "skip", "wide", "junk":
			if b.Data != nil && !allZero(b.Data) {
				v.in.add(metadata.Other, metadata.Low, "top level", "Free space ("+b.Name()+") holding data", printableRuns(b.Data, 4, maxValue))
			}
		case "ftyp", "moov", "mdat":
		default:
			v.in.add(metadata.Other, metadata.Low, "top level", "Unknown box "+strconv.Quote(b.Name()), sizeText(int(min(b.Size(), 1<<30))))
		}
	}
}

func allZero(p []byte) bool {
	for _, c := range p {
		if c != 0 {
			return false
		}
	}
	return true
}

const xmpBoxUUID = "\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"

func (v *videoInspector) uuid(b *mp4.Box, where string) {
	if b.UserType == xmpBoxUUID && b.Data != nil {
		v.in.xmp(b.Data, "XMP ("+where+" uuid box)", 1)
		return
	}
	v.in.add(metadata.Other, metadata.Medium, where, "Vendor box (uuid)", fmt.Sprintf("%x, %s", b.UserType, sizeText(int(min(b.Size(), 1<<30)))))
}

// mac epoch: QuickTime and ISO times count seconds from 1904.
var epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)

// header reports the times of a mvhd, tkhd or mdhd box.
func (v *videoInspector) header(b *mp4.Box, where string) {
	if b == nil || len(b.Data) < 12 {
		return
	}
	var c, m uint64
	if b.Data[0] == 1 {
		if len(b.Data) < 20 {
			return
		}
		c, m = binary.BigEndian.Uint64(b.Data[4:]), binary.BigEndian.Uint64(b.Data[12:])
	} else {
		c, m = uint64(binary.BigEndian.Uint32(b.Data[4:])), uint64(binary.BigEndian.Uint32(b.Data[8:]))
	}
	show := func(s uint64) string {
		if s > 1<<40 {
			return strconv.FormatUint(s, 10)
		}
		return epoch1904.Add(time.Duration(s) * time.Second).Format("2006-01-02 15:04:05 UTC")
	}
	if c != 0 {
		v.in.add(metadata.Time, metadata.Medium, where, "Creation date", show(c))
	}
	if m != 0 && m != c {
		v.in.add(metadata.Time, metadata.Medium, where, "Modification date", show(m))
	}
}

// udtaClass classifies the user data boxes phones and editors write.
var udtaClass = map[string]struct {
	cat   metadata.Category
	sev   metadata.Severity
	field string
}{
	"\xa9xyz": {metadata.Location, metadata.High, "GPS position"},
	"loci":    {metadata.Location, metadata.High, "Location (3GPP)"},
	"\xa9mak": {metadata.Device, metadata.Medium, "Make"},
	"\xa9mod": {metadata.Device, metadata.Medium, "Model"},
	"\xa9swr": {metadata.Software, metadata.Low, "Software"},
	"\xa9too": {metadata.Software, metadata.Low, "Encoder"},
	"\xa9enc": {metadata.Software, metadata.Low, "Encoded by"},
	"\xa9day": {metadata.Time, metadata.Medium, "Date"},
	"date":    {metadata.Time, metadata.Medium, "Date (3GPP)"},
	"\xa9nam": {metadata.Other, metadata.Medium, "Title"},
	"titl":    {metadata.Other, metadata.Medium, "Title (3GPP)"},
	"\xa9cmt": {metadata.Other, metadata.Medium, "Comment"},
	"\xa9des": {metadata.Other, metadata.Medium, "Description"},
	"dscp":    {metadata.Other, metadata.Medium, "Description (3GPP)"},
	"\xa9inf": {metadata.Other, metadata.Medium, "Information"},
	"\xa9aut": {metadata.People, metadata.High, "Author"},
	"auth":    {metadata.People, metadata.High, "Author (3GPP)"},
	"\xa9ART": {metadata.People, metadata.High, "Artist"},
	"perf":    {metadata.People, metadata.High, "Performer (3GPP)"},
	"cprt":    {metadata.People, metadata.Medium, "Copyright"},
	"\xa9cpy": {metadata.People, metadata.Medium, "Copyright"},
	"kywd":    {metadata.Other, metadata.Medium, "Keywords (3GPP)"},
	"\xa9key": {metadata.Other, metadata.Medium, "Keywords"},
	"\xa9fmt": {metadata.Other, metadata.Low, "Format"},
	"\xa9src": {metadata.Other, metadata.Medium, "Source"},
	"\xa9TIM": {metadata.Time, metadata.Low, "Start timecode"},
	"SDLN":    {metadata.Device, metadata.Low, "Samsung play mode (SDLN)"},
	"smrd":    {metadata.Device, metadata.Low, "Samsung data (smrd)"},
	"smta":    {metadata.Device, metadata.Medium, "Samsung data (smta)"},
	"AllF":    {metadata.Device, metadata.Low, "Camera data (AllF)"},
	"manu":    {metadata.Device, metadata.Medium, "Manufacturer"},
	"modl":    {metadata.Device, metadata.Medium, "Model"},
}

func (v *videoInspector) udta(b *mp4.Box, where string) {
	kids := b.Kids
	if kids == nil && b.Data != nil {
		kids = memBoxes(b.Data)
	}
	for _, k := range kids {
		switch k.Type {
		case "meta":
			v.meta(k, where+" metadata")
			continue
		case "XMP_":
			v.in.xmp(k.Data, "XMP ("+where+")", 1)
			continue
		case "thmb":
			v.in.add(metadata.HiddenImages, metadata.High, where, "Thumbnail image (thmb)", imageDesc(thumbData(k.Data)))
			continue
		}
		c, ok := udtaClass[k.Type]
		if !ok {
			v.in.add(metadata.Other, metadata.Low, where, "User data "+strconv.Quote(k.Name()), udtaText(k.Type, k.Data))
			continue
		}
		val := udtaText(k.Type, k.Data)
		switch k.Type {
		case "\xa9xyz":
			val = iso6709(val)
		case "loci":
			val = lociText(k.Data)
		}
		v.in.add(c.cat, c.sev, where, c.field, val)
	}
}

// thumbData skips a thmb box's header fields to the image.
func thumbData(p []byte) []byte {
	for _, m := range [][]byte{{0xFF, 0xD8, 0xFF}, []byte("\x89PNG")} {
		if i := bytes.Index(p, m); i >= 0 && i < 64 {
			return p[i:]
		}
	}
	return p
}

// memBoxes splits a payload into boxes (best effort, for reading).
func memBoxes(p []byte) []*mp4.Box {
	var out []*mp4.Box
	for i := 0; i+8 <= len(p) && len(out) < 4096; {
		n := int(binary.BigEndian.Uint32(p[i:]))
		if n < 8 || n > len(p)-i {
			break
		}
		out = append(out, &mp4.Box{Type: string(p[i+4 : i+8]), Data: p[i+8 : i+n], HeaderLen: 8})
		i += n
	}
	return out
}

// udtaText reads a user data string: QuickTime ©xxx boxes hold (length,
// language, text) runs, 3GPP boxes a full box with a language then text.
func udtaText(t string, p []byte) string {
	if len(t) == 4 && t[0] == 0xA9 && len(p) >= 4 {
		n := int(binary.BigEndian.Uint16(p))
		if n <= len(p)-4 {
			return trimText(p[4 : 4+n])
		}
	}
	if len(p) >= 6 && p[0] == 0 {
		if s := trimText(p[6:]); isPrintable(s) && s != "" {
			return s
		}
	}
	if s := trimText(p); isPrintable(s) {
		return s
	}
	return printableRuns(p, 4, maxValue)
}

// iso6709 renders "+51.4170-000.0806/" as "51.417, -0.0806".
func iso6709(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	var parts []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] == '+' || s[i] == '-' {
			parts = append(parts, s[start:i])
			start = i
		}
	}
	parts = append(parts, s[start:])
	if len(parts) >= 2 {
		lat, e1 := strconv.ParseFloat(parts[0], 64)
		lon, e2 := strconv.ParseFloat(parts[1], 64)
		if e1 == nil && e2 == nil {
			out := fmt.Sprintf("%.6f, %.6f", lat, lon)
			if len(parts) >= 3 {
				out += " (altitude " + strings.TrimPrefix(parts[2], "+") + " m)"
			}
			return out
		}
	}
	return s
}

// lociText reads a 3GPP location box.
func lociText(p []byte) string {
	if len(p) < 6 {
		return printableRuns(p, 4, maxValue)
	}
	i := 6
	j := bytes.IndexByte(p[i:], 0)
	if j < 0 {
		return printableRuns(p, 4, maxValue)
	}
	name := trimText(p[i : i+j])
	i += j + 2 // NUL, role
	if len(p)-i < 12 {
		return name
	}
	fix := func(o int) float64 { return float64(int32(binary.BigEndian.Uint32(p[o:]))) / 65536 }
	out := fmt.Sprintf("%.6f, %.6f", fix(i+4), fix(i))
	if name != "" {
		out = name + " " + out
	}
	return out
}

// appleKeys classifies Apple's mdta keys.
func appleKey(k string) (metadata.Category, metadata.Severity, string) {
	l := strings.ToLower(k)
	switch {
	case strings.Contains(l, "location"):
		return metadata.Location, metadata.High, "Location (" + k + ")"
	case strings.HasSuffix(l, ".make"), strings.HasSuffix(l, ".model"), l == "make", l == "model",
		strings.Contains(l, "camera"), strings.Contains(l, "lens"), strings.Contains(l, "serial"):
		return metadata.Device, metadata.Medium, k
	case strings.HasSuffix(l, ".software"), strings.Contains(l, "android.version"), strings.Contains(l, "encoder"):
		return metadata.Software, metadata.Low, k
	case strings.Contains(l, "date"):
		return metadata.Time, metadata.Medium, k
	case strings.Contains(l, "content.identifier"):
		return metadata.Other, metadata.Medium, "Live Photo pairing ID (" + k + ")"
	case strings.Contains(l, "author"), strings.Contains(l, "artist"), strings.Contains(l, "owner"):
		return metadata.People, metadata.High, k
	}
	return metadata.Other, metadata.Low, k
}

// meta reads a metadata box: Apple's keys and item list, or an iTunes
// item list.
func (v *videoInspector) meta(b *mp4.Box, where string) {
	kids := b.Kids
	if kids == nil && len(b.Data) > 4 {
		kids = memBoxes(b.Data[4:])
		if len(kids) == 0 {
			kids = memBoxes(b.Data)
		}
	}
	var keys []string
	for _, k := range kids {
		if k.Type == "keys" && len(k.Data) >= 8 {
			p := k.Data[8:]
			for i := 0; i+8 <= len(p) && len(keys) < 4096; {
				n := int(binary.BigEndian.Uint32(p[i:]))
				if n < 8 || n > len(p)-i {
					break
				}
				keys = append(keys, printable.String(string(p[i+8:i+n])))
				i += n
			}
		}
	}
	found := false
	for _, k := range kids {
		switch k.Type {
		case "ilst":
			items := k.Kids
			if items == nil {
				items = memBoxes(k.Data)
			}
			for _, it := range items {
				name := it.Name()
				if idx := binary.BigEndian.Uint32([]byte(it.Type)); idx >= 1 && int(idx) <= len(keys) {
					name = keys[idx-1]
				}
				val := ilstValue(it.Data)
				found = true
				if c, ok := udtaClass[it.Type]; ok {
					if it.Type == "\xa9xyz" {
						val = iso6709(val)
					}
					v.in.add(c.cat, c.sev, where, c.field, val)
					continue
				}
				c, s, field := appleKey(name)
				if strings.Contains(strings.ToLower(name), "location") {
					val = iso6709(val)
				}
				v.in.add(c, s, where, field, val)
			}
		case "xml ", "XMP_":
			v.in.xmp(k.Data, "XMP ("+where+")", 1)
			found = true
		}
	}
	if !found && len(b.Data) > 64 {
		v.in.add(metadata.Other, metadata.Low, where, "Metadata box", sizeText(len(b.Data)))
	}
}

// ilstValue reads the data box of an item.
func ilstValue(p []byte) string {
	for _, d := range memBoxes(p) {
		if d.Type == "data" && len(d.Data) >= 8 {
			typ := binary.BigEndian.Uint32(d.Data) & 0xFFFFFF
			val := d.Data[8:]
			switch typ {
			case 1:
				return trimText(val)
			case 21, 22:
				var n uint64
				for _, c := range val {
					n = n<<8 | uint64(c)
				}
				return strconv.FormatUint(n, 10)
			case 13, 14:
				return imageDesc(val)
			}
			return printableRuns(val, 4, maxValue)
		}
	}
	return printableRuns(p, 4, maxValue)
}

// track reports a track: its times, handler name, user data, and what a
// timed-metadata track carries; for video, the encoder name and SEI units.
func (v *videoInspector) track(t *mp4.Track, n int, r *metadata.Report) {
	where := fmt.Sprintf("track %d", n)
	v.header(t.Box.Child("tkhd"), where+" header (tkhd)")
	v.header(t.Box.Path("mdia", "mdhd"), where+" media header (mdhd)")
	for _, k := range t.Box.Kids {
		switch k.Type {
		case "udta":
			v.udta(k, where+" user data")
		case "meta":
			v.meta(k, where+" metadata")
		}
	}
	if name := strings.Trim(t.HandlerName, "\x00 \x0c\x0b\x0a\x09\x0d\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"); name != "" && isPrintable(name) {
		v.in.add(metadata.Software, metadata.Low, where, "Handler name", name)
	}
	format := ""
	if len(t.Entries) > 0 {
		format = t.Entries[0].Format
	}
	switch t.Handler {
	case "vide":
		r.Video.Tracks = append(r.Video.Tracks, "video "+printable.String(format))
		if r.Width == 0 {
			r.Width, r.Height = t.Size()
			r.Video.Rotation = t.Rotation()
			r.Orientation = orientationOf(r.Video.Rotation)
		}
		for _, e := range t.Entries {
			if e.Kind == mp4.VisualEntry && len(e.Fixed) >= 74 {
				if name := trimText(e.Fixed[43:min(74, 43+int(e.Fixed[42]))]); e.Fixed[42] > 0 && name != "" {
					v.in.add(metadata.Software, metadata.Low, where, "Encoder name", name)
				}
				if vendor := string(e.Fixed[12:16]); vendor != "\x00\x00\x00\x00" {
					v.in.add(metadata.Software, metadata.Low, where, "Vendor", printable.String(vendor))
				}
			}
		}
		v.sei(t, where)
	case "soun":
		r.Video.Tracks = append(r.Video.Tracks, "audio "+printable.String(format))
	default:
		v.timedTrack(t, where, format, r)
	}
}

func (v *videoInspector) timedTrack(t *mp4.Track, where, format string, r *metadata.Report) {
	samples := ""
	if s, err := t.Samples(v.f.Size); err == nil {
		samples = fmt.Sprintf("%d samples", s.Count)
	}
	var keys []string
	for _, e := range t.Entries {
		if k := e.Child("keys"); k != nil {
			for _, kb := range memBoxes(k.Data) {
				for _, d := range memBoxes(kb.Data) {
					if d.Type == "keyd" && len(d.Data) > 4 {
						keys = append(keys, printable.String(string(d.Data[4:])))
					}
				}
			}
		}
	}
	desc := strings.TrimSpace(strings.Join(append([]string{samples}, keys...), ", "))
	r.Video.Tracks = append(r.Video.Tracks, "data "+printable.String(format))
	l := strings.ToLower(strings.Join(keys, " ") + " " + format + " " + t.HandlerName)
	switch {
	case strings.Contains(l, "face"):
		v.in.add(metadata.People, metadata.High, where, "Detected-face track (timed metadata)", desc)
	case format == "camm", format == "gpmd", strings.Contains(l, "location"), strings.Contains(l, "gps"):
		v.in.add(metadata.Location, metadata.High, where, "GPS or camera-motion track ("+printable.String(format)+")", desc)
	case t.Handler == "tmcd":
		v.in.add(metadata.Time, metadata.Low, where, "Timecode track", desc)
	case t.Handler == "text" || t.Handler == "sbtl" || t.Handler == "subt":
		v.in.add(metadata.Other, metadata.Medium, where, "Text track ("+printable.String(format)+")", desc)
	default:
		v.in.add(metadata.Other, metadata.Medium, where, "Timed metadata track ("+printable.String(t.Handler)+" "+printable.String(format)+")", desc)
	}
}

// sei looks for SEI units in the first samples of an H.264 or HEVC track
// and reports the text they hold (encoder settings, camera make, dates).
func (v *videoInspector) sei(t *mp4.Track, where string) {
	if len(t.Entries) == 0 {
		return
	}
	e := t.Entries[0]
	var ls int
	hevc := false
	if c := e.Child("avcC"); c != nil && len(c.Data) >= 5 {
		ls = int(c.Data[4]&3) + 1
	} else if c := e.Child("hvcC"); c != nil && len(c.Data) >= 22 {
		ls, hevc = int(c.Data[21]&3)+1, true
		if n := hvcCSEI(c.Data); n != "" {
			v.in.add(metadata.Software, metadata.Low, where, "Data in the video configuration (HEVC SEI in hvcC)", n)
		}
	} else {
		return
	}
	s, err := t.Samples(v.f.Size)
	if err != nil || ls == 3 {
		return
	}
	units := 0
	var rec *cameraRecord // the first AVCHD camera record
	var text []string
	seen := map[string]bool{}
	checked := uint32(0)
	for _, c := range s.Chunks {
		off := c.Offset
		for i := c.First; i < c.First+c.N && checked < maxSEISamples; i++ {
			n := s.Size(i)
			checked++
			buf := make([]byte, min(n, 1<<20))
			k, _ := v.r.ReadAt(buf, off)
			buf = buf[:k]
			for p := 0; p+ls < len(buf); {
				var l int
				for _, b := range buf[p : p+ls] {
					l = l<<8 | int(b)
				}
				p += ls
				if l <= 0 || l > len(buf)-p {
					break
				}
				h := buf[p]
				isSEI := (!hevc && h&0x1F == 6) || (hevc && (h>>1&0x3F == 39 || h>>1&0x3F == 40))
				if isSEI {
					units++
					if r, ok := mdpm(buf[p : p+l]); ok && !hevc && rec == nil {
						rec = &r
					}
					if t := printableRuns(buf[p:p+l], 6, maxValue); t != "" && !seen[t] {
						seen[t] = true
						text = append(text, t)
					}
				}
				p += l
			}
			off += int64(n)
		}
		if checked >= maxSEISamples {
			break
		}
	}
	if units == 0 {
		return
	}
	if rec != nil {
		rec.report(v.in, where)
	}
	val := fmt.Sprintf("%d units in the first %d frames", units, checked)
	if len(text) > 0 {
		val += ": " + strings.Join(text, "; ")
	}
	sev := metadata.Low
	l := strings.ToLower(strings.Join(text, " "))
	if strings.Contains(l, "sony") || strings.Contains(l, "mdpm") || strings.Contains(l, "canon") || strings.Contains(l, "panasonic") {
		sev = metadata.Medium
	}
	v.in.add(metadata.Software, sev, where, "Data inside the video stream (SEI)", val)
}

// hvcCSEI returns the text of the SEI units an HEVC configuration holds
// (x265 writes its version and settings there), or "".
func hvcCSEI(p []byte) string {
	if len(p) < 23 {
		return ""
	}
	var text []string
	i := 23
	for a := 0; a < int(p[22]) && len(p)-i >= 3; a++ {
		typ := p[i] & 0x3F
		n := int(binary.BigEndian.Uint16(p[i+1:]))
		i += 3
		for k := 0; k < n && len(p)-i >= 2; k++ {
			l := int(binary.BigEndian.Uint16(p[i:]))
			i += 2
			if l > len(p)-i {
				return strings.Join(text, "; ")
			}
			if typ == 39 || typ == 40 {
				t := printableRuns(p[i:i+l], 6, maxValue)
				if t == "" {
					t = sizeText(l)
				}
				text = append(text, t)
			}
			i += l
		}
	}
	return strings.Join(text, "; ")
}
