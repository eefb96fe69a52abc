package clean

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/internal/mp4"
	"codeberg.org/veil/veil/internal/printable"
	"codeberg.org/veil/veil/metadata"
	"codeberg.org/veil/veil/metadata/verify"
	"codeberg.org/veil/veil/outfile"
)

// Video writes to out a copy of the movie in (MP4, MOV, M4V, 3GP, 3G2)
// without identifying metadata, and returns what it removed.
//
// The copy is rebuilt box by box from an allow-list: ftyp, then a movie box
// holding mvhd and one trak for each video and audio track, with only the
// boxes a player needs (tkhd with its rotation matrix, edts/elst, mdhd, a
// nameless hdlr, vmhd or smhd, a self-contained dinf, and a sample table
// with known sample descriptions); every creation and modification time is
// zero. Then one mdat holding only the kept tracks' samples, in their
// original order, with the chunk offsets rewritten. User data, metadata,
// uuid and free boxes, vendor boxes, and timed-metadata, face, GPS,
// timecode and text tracks go, and so do their samples. Inside H.264, HEVC,
// AV1 and MPEG-4 video samples the units that carry no picture (SEI, user
// data, metadata OBUs, filler) go too; the coded pictures are copied byte
// for byte, so every frame decodes identically.
//
// Memory is bounded by the movie box (never the size of the file): samples
// are streamed from in to out. progress, when not nil, is called with the
// bytes of samples copied so far and in all; ctx cancels the work, leaving
// nothing under out.
//
// out is written through [outfile.Create]: the copy is read back from
// storage (once, with [outfile.Stream.CommitRead]) and must both match what
// was written and pass the independent verifier ([verify.Video]) before it
// gets its name; otherwise Video returns an error (wrapping
// [metadata.ErrNotClean] when the verifier objected) and nothing exists
// under out. [metadata.LocationOnly] mode removes as much as the full mode
// for videos: the dates and device names of a movie sit in the same boxes
// as its location.
//
// Matroska/WebM, AVI, MPEG transport streams (AVCHD) and fragmented MP4
// are first copied by FFmpeg (system ffmpeg, file protocol only, one
// demuxer allowed; streams copied, never re-encoded) into an unnamed
// temporary MP4, which then takes the same rewrite and verifier; the
// result's Removed says so. Without FFmpeg, or when it fails, and for
// playlists and files Video cannot fully walk, the error says why in one
// line; the input is never modified. The output's name should end in .mp4
// then (the CLI does so).
func Video(ctx context.Context, in, out string, opt metadata.Options, progress func(done, total int64)) (res *metadata.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error while cleaning (%v); nothing was written", r)
		}
	}()
	if opt.Mode != metadata.All && opt.Mode != metadata.LocationOnly {
		return nil, fmt.Errorf("unknown clean mode %d", opt.Mode)
	}
	f, size, err := mp4.OpenFile(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.ReaderAt = f
	p, err := planVideo(ctx, f, size, "")
	var rx *remuxError
	if errors.As(err, &rx) {
		// Another container, or a fragmented movie: FFmpeg copies its video
		// and audio streams into a plain MP4 (nothing decoded), which the
		// rewrite below then cleans and the verifier checks like any other.
		m, merr := remux(ctx, in, out, rx.demuxer)
		if merr != nil {
			return nil, fmt.Errorf("%w (and converting it with FFmpeg failed: %v)", err, merr)
		}
		defer m.Close()
		st, serr := m.Stat()
		if serr != nil {
			return nil, serr
		}
		if p, err = planVideo(ctx, m, st.Size(), rx.demuxer); err != nil {
			return nil, fmt.Errorf("after converting it with FFmpeg: %w", err)
		}
		p.rm.add("container converted to MP4 by FFmpeg (streams copied, not re-encoded)")
		r = m
	}
	if err != nil {
		return nil, err
	}
	s, err := outfile.Create(out, outfile.Options{Input: in})
	if err != nil {
		return nil, err
	}
	defer s.Discard()
	if err := p.write(ctx, r, s, progress); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The verifier reads the copy front to back through the read-back,
	// which reads it from storage once and checks it against what was
	// written on the way.
	err = s.CommitRead(func(w io.ReaderAt, size int64) error {
		if size != p.outSize {
			return fmt.Errorf("the copy is %d bytes, %d were planned", size, p.outSize)
		}
		return verify.Video(ctx, w, size, opt)
	})
	if err != nil {
		return nil, err
	}
	return p.result(), nil
}

// CleanVideoTo is Video's rewrite without the file handling: it writes the
// clean movie read from r (of the given size) to w and returns the result.
// It does not verify: callers run [verify.Video] on what they stored.
func CleanVideoTo(ctx context.Context, r io.ReaderAt, size int64, w io.Writer, progress func(done, total int64)) (*metadata.Result, error) {
	p, err := planVideo(ctx, r, size, "")
	if err != nil {
		return nil, err
	}
	if err := p.write(ctx, r, w, progress); err != nil {
		return nil, err
	}
	return p.result(), nil
}

// ErrVideoRefused wraps the reasons a video is not cleaned: a container or
// coding the lossless rewrite does not handle.
var ErrVideoRefused = errors.New("Veil cannot clean this video")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrVideoRefused}, args...)...)
}

// Sample description formats whose tracks the cleaner keeps, by handler.
// A video or audio track coded otherwise is refused, never dropped: losing
// the picture or the sound silently would be worse than saying no.
var (
	videoKeepVisual = map[string]bool{"avc1": true, "avc3": true, "hvc1": true, "hev1": true, "av01": true,
		"vp09": true, "mp4v": true, "s263": true, "h263": true}
	videoKeepAudio = map[string]bool{"mp4a": true, "samr": true, "sawb": true, "ac-3": true, "ec-3": true,
		"Opus": true, "fLaC": true, "alac": true, "twos": true, "sowt": true, "lpcm": true, "in24": true,
		"in32": true, "fl32": true, "fl64": true, "ulaw": true, "alaw": true, ".mp3": true}
	// videoKeepEntryBoxes are the boxes a kept sample description may hold
	// after its fixed fields: decoder configurations and display geometry.
	videoKeepEntryBoxes = map[string]bool{"avcC": true, "hvcC": true, "av1C": true, "vpcC": true, "esds": true,
		"d263": true, "pasp": true, "colr": true, "btrt": true, "clap": true, "fiel": true, "mdcv": true,
		"clli": true, "chan": true, "damr": true, "dac3": true, "dec3": true, "dOps": true, "dfLa": true,
		"alac": true, "wave": true}
	// videoKeepWave are the boxes of a QuickTime sound description's wave
	// box that the cleaner keeps.
	videoKeepWave = map[string]bool{"frma": true, "mp4a": true, "esds": true, "enda": true, "chan": true}
	// videoKeepStbl are the sample table boxes copied unchanged; stsd,
	// stsz and the chunk offsets are rebuilt, stsc copied.
	videoKeepStbl = map[string]bool{"stts": true, "ctts": true, "stss": true, "stps": true, "sdtp": true,
		"cslg": true, "sbgp": true, "sgpd": true}
	// videoKeepGroups are the sample group types kept (decoding recovery).
	videoKeepGroups = map[string]bool{"roll": true, "prol": true, "sync": true, "rap ": true}
)

// maxPlanSamples bounds the samples of all kept tracks together.
const maxPlanSamples = 1 << 25

// keptTrack is a track the output keeps.
type keptTrack struct {
	t       *mp4.Track
	s       *mp4.Samples
	filters []sampleFilter // by sample description; nil entries copy samples whole
	sizes   []uint32       // output sample sizes when any sample is filtered
	entries [][]byte       // rebuilt sample descriptions (whole boxes)
	// outBytes are the output chunks' lengths when any sample is filtered
	// (else each chunk keeps its length); offsets where they go.
	outBytes []int64
	offsets  []int64
	// coAt is where the chunk offset values start in the movie box.
	coAt int
}

// chunkOut is the length of chunk ci in the output.
func (kt *keptTrack) chunkOut(ci int) int64 {
	if kt.outBytes != nil {
		return kt.outBytes[ci]
	}
	return kt.s.Chunks[ci].Bytes
}

// videoPlan is the rewrite of one movie, decided before a byte is written.
type videoPlan struct {
	head    []byte // ftyp, moov and the mdat header
	tracks  []*keptTrack
	inTotal int64
	outSize int64
	rm      removals
	info    *metadata.VideoInfo
	dropped int // units taken out of samples
	ftyp    []byte
	// showLeading moves video edit lists back to the earliest frame.
	showLeading bool
}

// eachChunk calls fn for every kept chunk in output order: the tracks'
// chunks merged by their offset in the input, so that the output keeps
// the input's interleaving and the input is read front to back. Memory
// stays one cursor a track.
func (p *videoPlan) eachChunk(fn func(kt *keptTrack, ci int) error) error {
	next := make([]int, len(p.tracks))
	for {
		best := -1
		var at int64
		for ti, kt := range p.tracks {
			if ci := next[ti]; ci < len(kt.s.Chunks) {
				if off := kt.s.Chunks[ci].Offset; best < 0 || off < at {
					best, at = ti, off
				}
			}
		}
		if best < 0 {
			return nil
		}
		if err := fn(p.tracks[best], next[best]); err != nil {
			return err
		}
		next[best]++
	}
}

// planVideo reads the movie in r and plans its clean copy. remuxedFrom is
// FFmpeg's demuxer when r is FFmpeg's conversion of another
// container, else "".
func planVideo(ctx context.Context, r io.ReaderAt, size int64, remuxedFrom string) (*videoPlan, error) {
	if err := refuseOtherContainers(r, size); err != nil {
		return nil, err
	}
	mf, err := mp4.Open(r, size)
	switch {
	case errors.Is(err, mp4.ErrFragmented):
		return nil, remuxable(refused("%v; only whole (unfragmented) movies are cleaned", err), "mov")
	case errors.Is(err, mp4.ErrNotMovie):
		return nil, refused("not an MP4, MOV or 3GP movie")
	case err != nil:
		return nil, err
	}
	p := &videoPlan{info: &metadata.VideoInfo{Container: containerOf(mf)}}
	// Containers without edit lists show every frame; FFmpeg's muxer may
	// hide the first ones (see showLeadingFrames). A fragmented movie's
	// own edit list is what it came with.
	p.showLeading = remuxedFrom != "" && remuxedFrom != "mov"
	p.noteDropped(mf)
	var total uint64
	for _, t := range mf.Tracks {
		switch t.Handler {
		case "vide", "soun":
		default:
			p.rm.add(trackPhrase(t))
			continue
		}
		kt, err := p.keep(t, mf)
		if err != nil {
			return nil, err
		}
		total += uint64(kt.s.Count)
		if total > maxPlanSamples {
			return nil, fmt.Errorf("%w: more than %d samples", mp4.ErrTooLarge, maxPlanSamples)
		}
		p.tracks = append(p.tracks, kt)
	}
	if len(p.tracks) == 0 {
		return nil, refused("it has no video or audio track")
	}
	if err := p.measure(ctx, r); err != nil {
		return nil, err
	}
	if err := p.layout(mf); err != nil {
		return nil, err
	}
	p.describe(mf)
	return p, nil
}

// refuseOtherContainers names the containers that are not movies, so that
// the refusal says what the file is.
func refuseOtherContainers(r io.ReaderAt, size int64) error {
	if size == 0 {
		return errors.New("the file is empty")
	}
	if what := mp4.OtherContainer(r, size); what != "" {
		err := refused("it is %s; only MP4, MOV, M4V and 3GP movies are cleaned", what)
		if d := mp4.Demuxer(what); d != "" {
			return remuxable(err, d)
		}
		return err
	}
	return nil
}

func containerOf(f *mp4.File) string {
	switch {
	case f.QuickTime:
		return metadata.MOV
	case f.Ftyp.Major == "M4V " || f.Ftyp.Major == "M4VH" || f.Ftyp.Major == "M4VP":
		return metadata.M4V
	case len(f.Ftyp.Major) == 4 && f.Ftyp.Major[:3] == "3g2":
		return metadata.GP2
	case len(f.Ftyp.Major) == 4 && f.Ftyp.Major[:3] == "3gp":
		return metadata.GPP
	}
	return metadata.MP4
}

// trackPhrase names a dropped track for Result.Removed.
func trackPhrase(t *mp4.Track) string {
	format := ""
	if len(t.Entries) > 0 {
		format = " " + printable.String(t.Entries[0].Format)
	}
	switch t.Handler {
	case "meta", "mdta":
		return "timed-metadata track" + format + " (faces, location or sensor data)"
	case "tmcd":
		return "timecode track"
	case "text", "sbtl", "subt", "clcp":
		return "text track" + format
	case "":
		return "track without a handler"
	}
	return "track of kind " + printable.String(t.Handler) + format
}

// noteDropped records the boxes outside the allow-list for Result.Removed.
func (p *videoPlan) noteDropped(f *mp4.File) {
	for _, b := range f.Top {
		switch b.Type {
		case "ftyp", "moov", "mdat":
		case "free", "skip", "wide", "junk":
			if b.Size() > 8 {
				p.rm.add("free space")
			}
		case "uuid":
			if b.UserType == xmpUUID {
				p.rm.add("XMP packet")
			} else {
				p.rm.add("vendor box (uuid)")
			}
		case "udta":
			p.rm.add("user data (udta)")
		case "meta":
			p.rm.add("metadata (meta)")
		default:
			p.rm.add(fmt.Sprintf("box %q", b.Name()))
		}
	}
	for _, b := range f.Moov.Kids {
		switch b.Type {
		case "mvhd", "trak":
		case "udta":
			p.rm.add("user data (udta)")
		case "meta":
			p.rm.add("metadata (meta)")
		case "uuid":
			if b.UserType == xmpUUID {
				p.rm.add("XMP packet")
			} else {
				p.rm.add("vendor box (uuid)")
			}
		case "free", "skip", "wide":
		default:
			p.rm.add(fmt.Sprintf("box %q", b.Name()))
		}
	}
	if dated(f.Moov.Child("mvhd")) {
		p.rm.add("creation and modification dates")
	}
	for _, t := range f.Tracks {
		if dated(t.Box.Child("tkhd")) || dated(t.Box.Path("mdia", "mdhd")) {
			p.rm.add("creation and modification dates")
		}
		for _, k := range t.Box.Kids {
			if k.Type == "udta" || k.Type == "meta" {
				p.rm.add("track user data")
			}
		}
		if (t.Handler == "vide" || t.Handler == "soun") && trimName(t.HandlerName) != "" {
			p.rm.add("handler names")
		}
	}
}

const xmpUUID = "\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"

func trimName(s string) string {
	for len(s) > 0 && (s[0] < 0x20 || s[0] == ' ') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == 0 || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}

// dated reports whether a mvhd, tkhd or mdhd box holds a non-zero time.
func dated(b *mp4.Box) bool {
	if b == nil || len(b.Data) < 4 {
		return false
	}
	n := 8
	if b.Data[0] == 1 {
		n = 16
	}
	return len(b.Data) >= 4+n && !zeroBytes(b.Data[4:4+n])
}

func zeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// keep checks a video or audio track and prepares its sample descriptions
// and sample filters.
func (p *videoPlan) keep(t *mp4.Track, f *mp4.File) (*keptTrack, error) {
	kind, keep := "video", videoKeepVisual
	if t.Handler == "soun" {
		kind, keep = "audio", videoKeepAudio
	}
	if len(t.Entries) == 0 {
		return nil, fmt.Errorf("%w: %s track %d has no sample description", mp4.ErrDamaged, kind, t.ID)
	}
	if t.Box.Child("tkhd") == nil || t.Box.Path("mdia", "mdhd") == nil {
		return nil, fmt.Errorf("%w: %s track %d has no track or media header", mp4.ErrDamaged, kind, t.ID)
	}
	kt := &keptTrack{t: t}
	for _, e := range t.Entries {
		if !keep[e.Format] {
			return nil, refused("its %s is coded as %q, which Veil does not clean yet", kind, printable.String(e.Format))
		}
		if e.KidsErr != nil {
			return nil, fmt.Errorf("%w: %s track %d: %q sample description: %v", mp4.ErrDamaged, kind, t.ID, e.Box.Name(), e.KidsErr)
		}
		entry, filter, err := p.entry(e)
		if err != nil {
			return nil, fmt.Errorf("%s track %d: %w", kind, t.ID, err)
		}
		kt.entries = append(kt.entries, entry)
		kt.filters = append(kt.filters, filter)
	}
	s, err := t.Samples(f.Size)
	if err != nil {
		return nil, err
	}
	if s.Const == 1 && t.Handler == "soun" && f.QuickTime {
		return nil, refused("its sound is stored in an old QuickTime layout Veil does not clean yet")
	}
	kt.s = s
	return kt, nil
}

// entry rebuilds a kept sample description: fixed fields without vendor
// and encoder names, then only the allowed boxes. It returns the filter
// for the samples it describes (nil to copy them whole).
func (p *videoPlan) entry(e *mp4.SampleEntry) ([]byte, sampleFilter, error) {
	fixed := append([]byte(nil), e.Fixed...)
	switch e.Kind {
	case mp4.VisualEntry:
		if !zeroBytes(fixed[8:24]) || !zeroBytes(fixed[42:74]) {
			if !zeroBytes(fixed[42:74]) {
				p.rm.add("encoder name")
			}
			clear(fixed[8:24])  // QuickTime version, vendor and qualities
			clear(fixed[42:74]) // compressor name
		}
	case mp4.AudioEntry:
		clear(fixed[10:16]) // revision level and vendor
	}
	clear(fixed[:6])
	var kids [][]byte
	var filter sampleFilter
	for _, k := range e.Kids {
		if !videoKeepEntryBoxes[k.Type] {
			p.rm.add(fmt.Sprintf("sample description box %q", k.Name()))
			continue
		}
		data := k.Data
		switch k.Type {
		case "avcC":
			var err error
			if data, err = cleanAvcC(data); err != nil {
				return nil, nil, err
			}
			filter = nalFilter{lengthSize: int(data[4]&3) + 1, keep: avcKeepNAL}
		case "hvcC":
			n := len(data)
			var err error
			if data, err = cleanHvcC(data); err != nil {
				return nil, nil, err
			}
			if len(data) < n {
				p.rm.add("SEI units in the HEVC configuration")
			}
			filter = nalFilter{lengthSize: int(data[21]&3) + 1, keep: hevcKeepNAL}
		case "av1C":
			filter = av1Filter{}
		case "esds":
			if e.Format == "mp4v" {
				filter = &mp4vFilter{}
			}
		case "colr":
			if len(data) < 4 || (string(data[:4]) != "nclx" && string(data[:4]) != "nclc") {
				p.rm.add("colour profile")
				continue
			}
		case "wave":
			data = p.cleanWave(k)
		case "damr", "d263":
			// 3GPP: the encoder's vendor code and version come first.
			if len(data) < 5 {
				return nil, nil, fmt.Errorf("%w: %q box cut short", mp4.ErrDamaged, k.Name())
			}
			data = append([]byte(nil), data...)
			if !zeroBytes(data[:5]) {
				p.rm.add("encoder vendor")
			}
			clear(data[:5])
		}
		kids = append(kids, bmff.Build(k.Type, data))
	}
	if nl, ok := filter.(nalFilter); ok && nl.lengthSize == 3 {
		return nil, nil, fmt.Errorf("%w: NAL unit lengths of 3 bytes", mp4.ErrDamaged)
	}
	if (e.Format == "avc1" || e.Format == "avc3") && filter == nil {
		return nil, nil, fmt.Errorf("%w: H.264 sample description without avcC", mp4.ErrDamaged)
	}
	if (e.Format == "hvc1" || e.Format == "hev1") && filter == nil {
		return nil, nil, fmt.Errorf("%w: HEVC sample description without hvcC", mp4.ErrDamaged)
	}
	if e.Format == "av01" && filter == nil {
		return nil, nil, fmt.Errorf("%w: AV1 sample description without av1C", mp4.ErrDamaged)
	}
	if e.Format == "mp4v" && filter == nil {
		filter = &mp4vFilter{}
	}
	return bmff.Build(e.Format, append([][]byte{fixed}, kids...)...), filter, nil
}

// cleanWave keeps the decoder boxes of a QuickTime wave box.
func (p *videoPlan) cleanWave(w *mp4.Box) []byte {
	var out []byte
	for i := 0; i+8 <= len(w.Data); {
		n := int(binary.BigEndian.Uint32(w.Data[i:]))
		if n < 8 || n > len(w.Data)-i {
			break
		}
		t := string(w.Data[i+4 : i+8])
		if videoKeepWave[t] {
			out = append(out, w.Data[i:i+n]...)
		}
		i += n
	}
	return out
}

// cleanAvcC checks an H.264 configuration and keeps, of the units in its
// two lists, only sequence and picture parameter sets (7, 8) and SPS
// extensions (13); what follows the lists (the high profiles' chroma
// fields) is copied.
func cleanAvcC(p []byte) ([]byte, error) {
	bad := fmt.Errorf("%w: avcC box damaged", mp4.ErrDamaged)
	if len(p) < 7 {
		return nil, bad
	}
	out := append([]byte(nil), p[:5]...)
	i := 5
	for set := 0; set < 2; set++ {
		if i >= len(p) {
			return nil, bad
		}
		n, top := int(p[i]), byte(0)
		if set == 0 {
			n, top = n&0x1F, p[i]&0xE0
		}
		i++
		var kept [][]byte
		for k := 0; k < n; k++ {
			if len(p)-i < 2 {
				return nil, bad
			}
			l := int(binary.BigEndian.Uint16(p[i:]))
			i += 2
			if l < 1 || len(p)-i < l {
				return nil, bad
			}
			if t := p[i] & 0x1F; t == 7 || t == 8 || t == 13 {
				kept = append(kept, p[i:i+l])
			}
			i += l
		}
		out = append(out, top|byte(len(kept)))
		for _, u := range kept {
			out = binary.BigEndian.AppendUint16(out, uint16(len(u)))
			out = append(out, u...)
		}
	}
	return append(out, p[i:]...), nil
}

// cleanHvcC drops the SEI arrays (prefix 39, suffix 40) and any array of
// a type other than the parameter sets from an HEVC configuration.
func cleanHvcC(p []byte) ([]byte, error) {
	bad := fmt.Errorf("%w: hvcC box damaged", mp4.ErrDamaged)
	if len(p) < 23 {
		return nil, bad
	}
	out := append([]byte(nil), p[:22]...)
	n := int(p[22])
	kept := 0
	var arrays []byte
	i := 23
	for a := 0; a < n; a++ {
		if len(p)-i < 3 {
			return nil, bad
		}
		typ := p[i] & 0x3F
		count := int(binary.BigEndian.Uint16(p[i+1:]))
		j := i + 3
		for k := 0; k < count; k++ {
			if len(p)-j < 2 {
				return nil, bad
			}
			l := int(binary.BigEndian.Uint16(p[j:]))
			if len(p)-j-2 < l {
				return nil, bad
			}
			j += 2 + l
		}
		if typ >= 32 && typ <= 34 {
			arrays = append(arrays, p[i:j]...)
			kept++
		}
		i = j
	}
	if i != len(p) {
		return nil, bad
	}
	return append(append(out, byte(kept)), arrays...), nil
}

// measure learns the size of every filtered sample once filtered.
func (p *videoPlan) measure(ctx context.Context, r io.ReaderAt) error {
	win := newWindow(r)
	for _, kt := range p.tracks {
		anyFilter := false
		for _, f := range kt.filters {
			anyFilter = anyFilter || f != nil
		}
		kt.offsets = make([]int64, len(kt.s.Chunks))
		if !anyFilter {
			p.inTotal += kt.s.Bytes()
			continue
		}
		kt.sizes = make([]uint32, kt.s.Count)
		kt.outBytes = make([]int64, len(kt.s.Chunks))
		for ci, c := range kt.s.Chunks {
			if ci%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			p.inTotal += c.Bytes
			f := kt.filters[c.Entry]
			off := c.Offset
			for i := c.First; i < c.First+c.N; i++ {
				n := kt.s.Size(i)
				m := n
				if f != nil {
					var dropped int
					var err error
					if m, dropped, err = f.measure(win, off, n); err != nil {
						return fmt.Errorf("video track %d, sample %d: %w", kt.t.ID, i+1, err)
					}
					p.dropped += dropped
				}
				kt.sizes[i] = m
				kt.outBytes[ci] += int64(m)
				off += int64(n)
			}
		}
	}
	if p.dropped > 0 {
		p.rm.add(fmt.Sprintf("%d SEI, user data or filler units in the video", p.dropped))
	}
	return nil
}

// layout places the chunks after ftyp and moov and builds both.
func (p *videoPlan) layout(f *mp4.File) error {
	if f.Ftyp != nil {
		for _, b := range f.Top {
			if b.Type == "ftyp" {
				p.ftyp = bmff.Build("ftyp", b.Data)
			}
		}
	} else {
		p.ftyp = bmff.Build("ftyp", []byte("qt  \x20\x05\x03\x00qt  "))
	}
	var payload int64
	for _, kt := range p.tracks {
		for ci := range kt.s.Chunks {
			payload += kt.chunkOut(ci)
		}
	}
	mdatHdr := 8
	if payload+8 > 0xFFFFFFFF {
		mdatHdr = 16
	}
	large := false
	moov := p.moov(f, large)
	if int64(len(p.ftyp)+len(moov)+mdatHdr)+payload > 0xFFFFFFFF {
		large = true
		moov = p.moov(f, large)
	}
	off := int64(len(p.ftyp) + len(moov) + mdatHdr)
	p.eachChunk(func(kt *keptTrack, ci int) error {
		kt.offsets[ci] = off
		off += kt.chunkOut(ci)
		return nil
	})
	// The offsets go into the movie box built above, in place: its size
	// does not depend on their values.
	for _, kt := range p.tracks {
		for i, o := range kt.offsets {
			if large {
				binary.BigEndian.PutUint64(moov[kt.coAt+8*i:], uint64(o))
			} else {
				binary.BigEndian.PutUint32(moov[kt.coAt+4*i:], uint32(o))
			}
		}
	}
	p.outSize = off
	head := append(append(make([]byte, 0, len(p.ftyp)+len(moov)+mdatHdr), p.ftyp...), moov...)
	if mdatHdr == 8 {
		head = binary.BigEndian.AppendUint32(head, uint32(payload+8))
		head = append(head, "mdat"...)
	} else {
		head = binary.BigEndian.AppendUint32(head, 1)
		head = append(head, "mdat"...)
		head = binary.BigEndian.AppendUint64(head, uint64(payload+16))
	}
	p.head = head
	return nil
}

// builder writes nested boxes into one buffer, patching each box's size
// when it is closed, so that a large movie box is never copied.
type builder struct{ b []byte }

func (w *builder) open(t string) int {
	i := len(w.b)
	w.b = append(w.b, 0, 0, 0, 0)
	w.b = append(w.b, t...)
	return i
}

func (w *builder) close(i int) { binary.BigEndian.PutUint32(w.b[i:], uint32(len(w.b)-i)) }

func (w *builder) box(t string, parts ...[]byte) {
	i := w.open(t)
	for _, p := range parts {
		w.b = append(w.b, p...)
	}
	w.close(i)
}

// moov builds the movie box; large selects co64 chunk offsets, which are
// left zero (layout fills them in).
func (p *videoPlan) moov(f *mp4.File, large bool) []byte {
	w := &builder{}
	m := w.open("moov")
	mvhd := f.Moov.Child("mvhd").Data
	w.box("mvhd", undated(mvhd))
	scale, _ := mp4.HeaderTime(mvhd)
	for _, kt := range p.tracks {
		p.trak(w, kt, large, scale)
	}
	w.close(m)
	return w.b
}

// undated returns a copy of a mvhd, tkhd or mdhd payload with its times zero.
func undated(d []byte) []byte {
	d = append([]byte(nil), d...)
	n := 8
	if len(d) > 0 && d[0] == 1 {
		n = 16
	}
	if len(d) >= 4+n {
		clear(d[4 : 4+n])
	}
	return d
}

// trak builds a kept track's box; movieScale is the movie's timescale.
func (p *videoPlan) trak(w *builder, kt *keptTrack, large bool, movieScale uint32) {
	t := kt.t
	tr := w.open("trak")
	w.box("tkhd", undated(t.Box.Child("tkhd").Data))
	if elst := t.Box.Path("edts", "elst"); elst != nil && validElst(elst.Data) {
		d := elst.Data
		if p.showLeading && t.Handler == "vide" {
			d = leadingEdits(d, t, movieScale)
		}
		e := w.open("edts")
		w.box("elst", d)
		w.close(e)
	}
	md := w.open("mdia")
	w.box("mdhd", undated(t.Box.Path("mdia", "mdhd").Data))
	hdlr := make([]byte, 25)
	copy(hdlr[8:12], t.Handler)
	w.box("hdlr", hdlr)
	mi := w.open("minf")
	if t.Handler == "vide" {
		w.box("vmhd", []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	} else {
		w.box("smhd", make([]byte, 8))
	}
	w.box("dinf", bmff.Build("dref", []byte{0, 0, 0, 0, 0, 0, 0, 1}, bmff.Build("url ", []byte{0, 0, 0, 1})))
	p.stbl(w, kt, large)
	w.close(mi)
	w.close(md)
	w.close(tr)
}

func validElst(d []byte) bool {
	if len(d) < 8 {
		return false
	}
	wd := 12
	if d[0] == 1 {
		wd = 20
	}
	n := binary.BigEndian.Uint32(d[4:])
	return uint64(len(d)-8) == uint64(n)*uint64(wd)
}

func (p *videoPlan) stbl(w *builder, kt *keptTrack, large bool) {
	st := w.open("stbl")
	sd := w.open("stsd")
	w.b = binary.BigEndian.AppendUint32(append(w.b, 0, 0, 0, 0), uint32(len(kt.entries)))
	for _, e := range kt.entries {
		w.b = append(w.b, e...)
	}
	w.close(sd)
	for _, k := range kt.t.Stbl.Kids {
		if !videoKeepStbl[k.Type] {
			continue
		}
		if (k.Type == "sbgp" || k.Type == "sgpd") && (len(k.Data) < 8 || !videoKeepGroups[string(k.Data[4:8])]) {
			continue
		}
		w.box(k.Type, k.Data)
	}
	w.box("stsc", kt.t.Stbl.Child("stsc").Data)
	s := kt.s
	sz := w.open("stsz")
	w.b = append(w.b, 0, 0, 0, 0)
	switch {
	case kt.sizes != nil:
		w.b = binary.BigEndian.AppendUint32(w.b, 0)
		w.b = binary.BigEndian.AppendUint32(w.b, s.Count)
		for _, n := range kt.sizes {
			w.b = binary.BigEndian.AppendUint32(w.b, n)
		}
	case s.Const != 0:
		w.b = binary.BigEndian.AppendUint32(w.b, s.Const)
		w.b = binary.BigEndian.AppendUint32(w.b, s.Count)
	default:
		w.b = binary.BigEndian.AppendUint32(w.b, 0)
		w.b = binary.BigEndian.AppendUint32(w.b, s.Count)
		for i := uint32(0); i < s.Count; i++ {
			w.b = binary.BigEndian.AppendUint32(w.b, s.Size(i))
		}
	}
	w.close(sz)
	name, width := "stco", 4
	if large {
		name, width = "co64", 8
	}
	co := w.open(name)
	w.b = binary.BigEndian.AppendUint32(append(w.b, 0, 0, 0, 0), uint32(len(kt.offsets)))
	kt.coAt = len(w.b)
	w.b = append(w.b, make([]byte, width*len(kt.offsets))...)
	w.close(co)
	w.close(st)
}

// describe fills in the result's description of the movie.
func (p *videoPlan) describe(f *mp4.File) {
	if scale, dur := mp4.HeaderTime(f.Moov.Child("mvhd").Data); scale > 0 {
		p.info.Duration = time.Duration(float64(dur) / float64(scale) * float64(time.Second))
	}
	for _, kt := range p.tracks {
		kind := "audio"
		if kt.t.Handler == "vide" {
			kind = "video"
		}
		p.info.Tracks = append(p.info.Tracks, kind+" "+printable.String(kt.t.Entries[0].Format))
		if kind == "video" && p.info.Rotation == 0 {
			p.info.Rotation = kt.t.Rotation()
		}
	}
}

func (p *videoPlan) result() *metadata.Result {
	return &metadata.Result{Lossless: true, Removed: p.rm.list(), Video: p.info, Bytes: p.outSize}
}

// Sizes of the sample copy: the read and write size (large reads and
// writes keep a gigabyte's copy to a few thousand system calls), and the
// longest run of unchanged bytes copied between two checks for
// cancellation.
const (
	copyBuf = 1 << 20
	maxRun  = 16 << 20
)

// write streams the output: the head, then every kept chunk, filtered
// where its track has a filter. Samples that measure found nothing to take
// out of are copied unchanged: consecutive ones (in the input and in the
// output) as one run, read straight into the output's buffer, with no
// further walk of their units. If the input changed since measure walked
// it, the run may no longer be clean; the independent verifier, which walks
// every sample of the written copy, stands behind the result either way.
func (p *videoPlan) write(ctx context.Context, r io.ReaderAt, w io.Writer, progress func(done, total int64)) error {
	bw := bufio.NewWriterSize(w, copyBuf)
	if _, err := bw.Write(p.head); err != nil {
		return err
	}
	var br *bufio.Reader
	var runOff, runN int64 // unchanged input bytes not copied yet
	flush := func() error {
		if runN == 0 {
			return nil
		}
		n, err := bw.ReadFrom(io.NewSectionReader(r, runOff, runN))
		if err == nil && n != runN {
			err = io.ErrUnexpectedEOF
		}
		runN = 0
		if err != nil {
			return fmt.Errorf("copying samples: %w", err)
		}
		return nil
	}
	unchanged := func(off, n int64) error {
		if runN > 0 && runOff+runN == off && runN < maxRun {
			runN += n
			return nil
		}
		if err := flush(); err != nil {
			return err
		}
		runOff, runN = off, n
		return nil
	}
	var done int64
	written := int64(len(p.head))
	last := time.Now()
	err := p.eachChunk(func(kt *keptTrack, ci int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ch := kt.s.Chunks[ci]
		f := kt.filters[ch.Entry]
		if f == nil || kt.chunkOut(ci) == ch.Bytes {
			// Nothing taken out of any sample of the chunk.
			if err := unchanged(ch.Offset, ch.Bytes); err != nil {
				return err
			}
		} else {
			off := ch.Offset
			for i := ch.First; i < ch.First+ch.N; i++ {
				n := kt.s.Size(i)
				if kt.sizes[i] == n {
					if err := unchanged(off, int64(n)); err != nil {
						return err
					}
					off += int64(n)
					continue
				}
				if err := flush(); err != nil {
					return err
				}
				if br == nil {
					br = bufio.NewReaderSize(nil, 256<<10)
				}
				br.Reset(io.NewSectionReader(r, off, int64(n)))
				m, err := f.copy(bw, br, n)
				if err != nil {
					return fmt.Errorf("video track %d, sample %d: %w", kt.t.ID, i+1, err)
				}
				if m != kt.sizes[i] {
					return fmt.Errorf("video track %d, sample %d changed while being cleaned", kt.t.ID, i+1)
				}
				off += int64(n)
			}
		}
		written += kt.chunkOut(ci)
		done += ch.Bytes
		if progress != nil && time.Since(last) > 50*time.Millisecond {
			progress(done, p.inTotal)
			last = time.Now()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if written != p.outSize {
		return fmt.Errorf("wrote %d bytes, planned %d", written, p.outSize)
	}
	if progress != nil {
		progress(p.inTotal, p.inTotal)
	}
	return nil
}
