package verify

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"codeberg.org/veil/veil/internal/bmff"
	"codeberg.org/veil/veil/metadata"
)

// Bounds of the video verifier's walk.
const (
	vMaxMovie   = 128 << 20
	vMaxBoxes   = 1 << 18
	vMaxSamples = 1 << 25
	vMaxTracks  = 256
)

// vChildren is the verifier's allow-list of the movie box: for each
// container, the boxes it may hold. Leaves not listed here are checked one
// by one in vLeaf; anything else fails.
var vChildren = map[string]map[string]bool{
	"moov": {"mvhd": true, "trak": true},
	"trak": {"tkhd": true, "edts": true, "mdia": true},
	"edts": {"elst": true},
	"mdia": {"mdhd": true, "hdlr": true, "minf": true},
	"minf": {"vmhd": true, "smhd": true, "dinf": true, "stbl": true},
	"dinf": {"dref": true},
	"stbl": {"stsd": true, "stts": true, "ctts": true, "stss": true, "stps": true, "sdtp": true, "cslg": true,
		"sbgp": true, "sgpd": true, "stsc": true, "stsz": true, "stz2": true, "stco": true, "co64": true},
}

// Sample description formats a clean movie may hold, by handler.
var (
	vVisual = map[string]bool{"avc1": true, "avc3": true, "hvc1": true, "hev1": true, "av01": true, "vp09": true,
		"mp4v": true, "s263": true, "h263": true}
	vAudio = map[string]bool{"mp4a": true, "samr": true, "sawb": true, "ac-3": true, "ec-3": true, "Opus": true,
		"fLaC": true, "alac": true, "twos": true, "sowt": true, "lpcm": true, "in24": true, "in32": true,
		"fl32": true, "fl64": true, "ulaw": true, "alaw": true, ".mp3": true}
	// vEntryBoxes are the decoder-configuration and geometry boxes a sample
	// description may hold.
	vEntryBoxes = map[string]bool{"avcC": true, "hvcC": true, "av1C": true, "vpcC": true, "esds": true, "d263": true,
		"pasp": true, "colr": true, "btrt": true, "clap": true, "fiel": true, "mdcv": true, "clli": true, "chan": true,
		"damr": true, "dac3": true, "dec3": true, "dOps": true, "dfLa": true, "alac": true, "wave": true}
	vWaveBoxes = map[string]bool{"frma": true, "mp4a": true, "esds": true, "enda": true, "chan": true}
	vGroups    = map[string]bool{"roll": true, "prol": true, "sync": true, "rap ": true}
)

// NAL unit types a clean sample may hold: H.264 coded slices, parameter
// sets, delimiters and the SVC/MVC extensions; HEVC coded slices,
// parameter sets and delimiters. SEI (H.264 6, HEVC 39 and 40), filler and
// every reserved type fail.
func vAVCOK(h byte) bool {
	switch h & 0x1F {
	case 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 19, 20, 21:
		return h&0x80 == 0
	}
	return false
}

func vHEVCOK(h byte) bool {
	t := h >> 1 & 0x3F
	return h&0x80 == 0 && (t <= 9 || (t >= 16 && t <= 21) || (t >= 32 && t <= 37))
}

// vTrack is what the verifier learnt of one track.
type vTrack struct {
	id      int
	handler string
	entries []vEntry
	count   uint32
	konst   uint32
	sizes   []byte
	offsets []int64
	stsc    []byte
}

// vEntry is one sample description: its format and how to check samples.
type vEntry struct {
	format     string
	lengthSize int // NAL length size for H.264 and HEVC
}

// vChunk is a run of samples in the file.
type vChunk struct {
	off, n       int64
	first, cnt   uint32
	track, entry uint16
}

// Video re-reads a cleaned movie (size bytes of r) and returns an error
// wrapping [metadata.ErrNotClean] at the first thing not certainly clean:
// a top-level shape other than ftyp, moov, mdat; any box outside the
// allow-list; a non-zero creation or modification time; a handler name; a
// data reference to another file; a sample description not on the list or
// holding a vendor or encoder name; a track other than video or audio;
// samples that do not tile the mdat payload exactly (unreferenced bytes);
// or an SEI, filler, metadata or user-data unit inside a video sample. opt
// is accepted for symmetry with File: a clean video keeps no dates, so
// both modes check the same.
func Video(ctx context.Context, r io.ReaderAt, size int64, opt metadata.Options) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = notClean("verifier could not walk the video (%v)", p)
		}
	}()
	return verifyVideo(ctx, r, size)
}

func verifyVideo(ctx context.Context, r io.ReaderAt, size int64) error {
	top, err := vTop(r, size)
	if err != nil {
		return err
	}
	if len(top) != 3 || top[0].typ != "ftyp" || top[1].typ != "moov" || top[2].typ != "mdat" {
		names := make([]string, len(top))
		for i, b := range top {
			names[i] = fmt.Sprintf("%q", b.typ)
		}
		return notClean("top-level boxes %v are not ftyp, moov, mdat", names)
	}
	if top[0].end-top[0].start > 4096 || top[1].end-top[1].start > vMaxMovie {
		return notClean("ftyp or moov box too large")
	}
	ftyp, err := vRead(r, top[0])
	if err != nil {
		return err
	}
	if len(ftyp) < 8 || len(ftyp)%4 != 0 {
		return notClean("damaged ftyp box")
	}
	moov, err := vRead(r, top[1])
	if err != nil {
		return err
	}
	w := &vWalker{}
	if err := w.container("moov", moov, 0); err != nil {
		return err
	}
	if w.mvhd != 1 || len(w.tracks) == 0 {
		return notClean("the movie box needs one mvhd and at least one track")
	}
	chunks, err := w.chunks()
	if err != nil {
		return err
	}
	mdat := top[2]
	pos := mdat.payload
	for _, c := range chunks {
		if c.off != pos {
			if c.off > pos {
				return notClean("%d bytes of mdat at offset %d belong to no kept sample", c.off-pos, pos)
			}
			return notClean("samples overlap at offset %d", c.off)
		}
		pos += c.n
	}
	if pos != mdat.end {
		return notClean("%d bytes at the end of mdat belong to no kept sample (sample sizes add up to %d, payload is %d)",
			mdat.end-pos, pos-mdat.payload, mdat.end-mdat.payload)
	}
	return w.scanSamples(ctx, r, chunks, mdat)
}

type vBox struct {
	typ                 string
	start, payload, end int64
}

// vTop lists the top-level boxes, which must tile the file.
func vTop(r io.ReaderAt, size int64) ([]vBox, error) {
	var out []vBox
	var hdr [16]byte
	for off := int64(0); off < size; {
		if len(out) >= 16 {
			return nil, notClean("too many top-level boxes")
		}
		n, _ := r.ReadAt(hdr[:min(16, size-off)], off)
		h, err := bmff.ParseHeader(hdr[:n])
		if err != nil || int64(h.Len) > size-off {
			return nil, notClean("box header cut short at offset %d", off)
		}
		if h.Size == 0 || h.Size < uint64(h.Len) || h.Size > uint64(size-off) {
			return nil, notClean("box %q at offset %d has a bad size", h.Type, off)
		}
		out = append(out, vBox{h.Type, off, off + int64(h.Len), off + int64(h.Size)})
		off += int64(h.Size)
	}
	return out, nil
}

func vRead(r io.ReaderAt, b vBox) ([]byte, error) {
	p := make([]byte, b.end-b.payload)
	if n, _ := r.ReadAt(p, b.payload); int64(n) != b.end-b.payload {
		return nil, notClean("the file ends inside the %q box", b.typ)
	}
	return p, nil
}

// vWalker checks the movie box against the allow-list.
type vWalker struct {
	boxes  int
	mvhd   int
	tracks []*vTrack
	cur    *vTrack
}

// vSplit splits p into boxes (type, payload).
func vSplit(p []byte) ([]string, [][]byte, error) {
	var types []string
	var payloads [][]byte
	for i := 0; i < len(p); {
		h, err := bmff.ParseHeader(p[i:])
		if err != nil || h.Size < uint64(h.Len) || h.Size > uint64(len(p)-i) || h.Large || h.Type == "uuid" {
			return nil, nil, notClean("a box at offset %d of its container is damaged or not allowed", i)
		}
		types = append(types, h.Type)
		payloads = append(payloads, p[i+h.Len:i+int(h.Size)])
		i += int(h.Size)
	}
	return types, payloads, nil
}

func (w *vWalker) container(name string, p []byte, depth int) error {
	if depth > 8 {
		return notClean("boxes nested too deep")
	}
	types, payloads, err := vSplit(p)
	if err != nil {
		return fmt.Errorf("in %q: %w", name, err)
	}
	allowed := vChildren[name]
	seen := map[string]bool{}
	for i, t := range types {
		w.boxes++
		if w.boxes > vMaxBoxes {
			return notClean("too many boxes")
		}
		if !allowed[t] {
			return notClean("box %q is not allowed in %q", t, name)
		}
		if seen[t] && t != "trak" && t != "sbgp" && t != "sgpd" {
			return notClean("two %q boxes in %q", t, name)
		}
		seen[t] = true
		if t == "trak" {
			if len(w.tracks) >= vMaxTracks {
				return notClean("too many tracks")
			}
			w.cur = &vTrack{id: len(w.tracks) + 1}
			w.tracks = append(w.tracks, w.cur)
		}
		if _, ok := vChildren[t]; ok {
			if err := w.container(t, payloads[i], depth+1); err != nil {
				return err
			}
			continue
		}
		if err := w.leaf(t, payloads[i]); err != nil {
			return err
		}
	}
	switch name {
	case "trak":
		if !seen["tkhd"] || !seen["mdia"] {
			return notClean("a track without tkhd or mdia")
		}
		if w.cur.handler == "" {
			return notClean("a track without a handler")
		}
	case "stbl":
		if !seen["stsd"] || !seen["stsc"] || !(seen["stsz"] || seen["stz2"]) || !(seen["stco"] || seen["co64"]) {
			return notClean("a sample table missing stsd, stsc, stsz or chunk offsets")
		}
		if (seen["stsz"] && seen["stz2"]) || (seen["stco"] && seen["co64"]) {
			return notClean("a sample table with two size or offset tables")
		}
	case "mdia":
		if !seen["mdhd"] || !seen["hdlr"] || !seen["minf"] {
			return notClean("a media box missing mdhd, hdlr or minf")
		}
	}
	return nil
}

// timesZero checks the creation and modification times of a full box
// whose version 0 holds two 32-bit times after its flags, version 1 two
// 64-bit times.
func timesZero(t string, p []byte, min0, min1 int) error {
	if len(p) < 4 {
		return notClean("%q box cut short", t)
	}
	n, need := 8, min0
	if p[0] == 1 {
		n, need = 16, min1
	} else if p[0] != 0 {
		return notClean("%q box of unknown version %d", t, p[0])
	}
	if len(p) < need {
		return notClean("%q box cut short", t)
	}
	if !zeroBytes(p[4 : 4+n]) {
		return notClean("%q box holds a creation or modification time", t)
	}
	return nil
}

func (w *vWalker) leaf(t string, p []byte) error {
	tr := w.cur
	switch t {
	case "mvhd":
		w.mvhd++
		return timesZero(t, p, 100, 112)
	case "tkhd":
		return timesZero(t, p, 84, 96)
	case "mdhd":
		return timesZero(t, p, 24, 36)
	case "hdlr":
		if len(p) < 24 || !zeroBytes(p[:8]) || !zeroBytes(p[12:]) {
			return notClean("a handler box with a name or vendor fields")
		}
		tr.handler = string(p[8:12])
		if tr.handler != "vide" && tr.handler != "soun" {
			return notClean("a track of kind %q (only video and audio are kept)", tr.handler)
		}
	case "vmhd":
		if !bytes.Equal(p, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}) {
			return notClean("unexpected vmhd")
		}
	case "smhd":
		if len(p) != 8 || !zeroBytes(p[:4]) {
			return notClean("unexpected smhd")
		}
	case "dref":
		want := []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12, 'u', 'r', 'l', ' ', 0, 0, 0, 1}
		if !bytes.Equal(p, want) {
			return notClean("a data reference other than this file")
		}
	case "elst":
		if len(p) < 8 {
			return notClean("elst cut short")
		}
		width := uint64(12)
		if p[0] == 1 {
			width = 20
		}
		if uint64(len(p)-8) != uint64(binary.BigEndian.Uint32(p[4:]))*width {
			return notClean("elst of the wrong size")
		}
	case "stsd":
		return w.stsd(p)
	case "stts", "ctts", "stss", "stps":
		width := uint64(8)
		if t == "stss" || t == "stps" {
			width = 4
		}
		if len(p) < 8 || uint64(len(p)-8) != uint64(binary.BigEndian.Uint32(p[4:]))*width {
			return notClean("%q of the wrong size", t)
		}
	case "sdtp", "cslg":
	case "sbgp", "sgpd":
		if len(p) < 8 || !vGroups[string(p[4:8])] {
			return notClean("a sample group of an unexpected type")
		}
	case "stsc":
		if len(p) < 8 || uint64(len(p)-8) != uint64(binary.BigEndian.Uint32(p[4:]))*12 {
			return notClean("stsc of the wrong size")
		}
		tr.stsc = p[8:]
	case "stsz":
		if len(p) < 12 {
			return notClean("stsz cut short")
		}
		tr.konst, tr.count = binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:])
		if tr.count > vMaxSamples {
			return notClean("too many samples")
		}
		if tr.konst == 0 {
			if uint64(len(p)-12) != 4*uint64(tr.count) {
				return notClean("stsz of the wrong size")
			}
			tr.sizes = p[12:]
		} else if len(p) != 12 {
			return notClean("stsz of the wrong size")
		}
	case "stz2":
		return notClean("compact sample sizes (stz2)")
	case "stco", "co64":
		width := 4
		if t == "co64" {
			width = 8
		}
		if len(p) < 8 {
			return notClean("%q cut short", t)
		}
		n := binary.BigEndian.Uint32(p[4:])
		if n > vMaxSamples || uint64(len(p)-8) != uint64(n)*uint64(width) {
			return notClean("%q of the wrong size", t)
		}
		tr.offsets = make([]int64, n)
		for i := range tr.offsets {
			if width == 4 {
				tr.offsets[i] = int64(binary.BigEndian.Uint32(p[8+4*i:]))
			} else {
				v := binary.BigEndian.Uint64(p[8+8*i:])
				if v > 1<<62 {
					return notClean("a chunk offset past any file")
				}
				tr.offsets[i] = int64(v)
			}
		}
	default:
		return notClean("box %q is not allowed", t)
	}
	return nil
}

// stsd checks the sample descriptions of the current track, whose handler
// precedes them (hdlr comes before minf).
func (w *vWalker) stsd(p []byte) error {
	tr := w.cur
	if len(p) < 8 || !zeroBytes(p[:4]) {
		return notClean("stsd cut short")
	}
	n := binary.BigEndian.Uint32(p[4:])
	types, payloads, err := vSplit(p[8:])
	if err != nil {
		return err
	}
	if uint32(len(types)) != n || n == 0 || n > 1024 {
		return notClean("stsd holds %d descriptions, says %d", len(types), n)
	}
	for i, t := range types {
		e := payloads[i]
		var fixed int
		switch {
		case tr.handler == "vide" && vVisual[t]:
			fixed = 78
			if len(e) < fixed || !zeroBytes(e[:6]) || !zeroBytes(e[8:24]) || !zeroBytes(e[42:74]) {
				return notClean("a %q description with vendor or encoder fields", t)
			}
		case tr.handler == "soun" && vAudio[t]:
			fixed = 28
			if len(e) < 28 || !zeroBytes(e[:6]) || !zeroBytes(e[10:16]) {
				return notClean("a %q description with vendor fields", t)
			}
			switch binary.BigEndian.Uint16(e[8:]) {
			case 0:
			case 1:
				fixed = 44
			case 2:
				fixed = 64
			default:
				return notClean("a sound description of unknown version")
			}
			if len(e) < fixed {
				return notClean("a sound description cut short")
			}
		default:
			return notClean("sample description %q is not allowed in a %q track", t, tr.handler)
		}
		ve := vEntry{format: t}
		kt, kp, err := vSplit(e[fixed:])
		if err != nil {
			return fmt.Errorf("in %q: %w", t, err)
		}
		for j, k := range kt {
			if !vEntryBoxes[k] {
				return notClean("box %q is not allowed in sample description %q", k, t)
			}
			switch k {
			case "avcC":
				ls, err := vAvcC(kp[j])
				if err != nil {
					return err
				}
				ve.lengthSize = ls
			case "hvcC":
				ls, err := vHvcC(kp[j])
				if err != nil {
					return err
				}
				ve.lengthSize = ls
			case "colr":
				if len(kp[j]) < 4 || (string(kp[j][:4]) != "nclx" && string(kp[j][:4]) != "nclc") {
					return notClean("a colour box holding a profile")
				}
			case "damr", "d263":
				if len(kp[j]) < 5 || !zeroBytes(kp[j][:5]) {
					return notClean("a %q box naming its encoder's vendor", k)
				}
			case "wave":
				wt, _, err := vSplit(kp[j])
				if err != nil {
					return err
				}
				for _, x := range wt {
					if !vWaveBoxes[x] {
						return notClean("box %q is not allowed in a wave box", x)
					}
				}
			}
		}
		if (t == "avc1" || t == "avc3" || t == "hvc1" || t == "hev1") && ve.lengthSize == 0 {
			return notClean("an H.264 or HEVC description without its configuration")
		}
		tr.entries = append(tr.entries, ve)
	}
	return nil
}

// vAvcC checks an H.264 configuration's parameter sets and returns its
// NAL length size.
func vAvcC(p []byte) (int, error) {
	if len(p) < 7 {
		return 0, notClean("avcC cut short")
	}
	ls := int(p[4]&3) + 1
	if ls == 3 {
		return 0, notClean("avcC with 3-byte lengths")
	}
	i := 5
	for set := 0; set < 2; set++ {
		if i >= len(p) {
			return 0, notClean("avcC cut short")
		}
		n := int(p[i])
		if set == 0 {
			n &= 0x1F
		}
		i++
		for k := 0; k < n; k++ {
			if len(p)-i < 2 {
				return 0, notClean("avcC cut short")
			}
			l := int(binary.BigEndian.Uint16(p[i:]))
			i += 2
			if l < 1 || len(p)-i < l {
				return 0, notClean("avcC cut short")
			}
			if typ := p[i] & 0x1F; typ != 7 && typ != 8 && typ != 13 {
				return 0, notClean("avcC holds a NAL unit of type %d", typ)
			}
			i += l
		}
	}
	// High profiles may follow with chroma fields and SPS extensions (13).
	return ls, nil
}

// vHvcC checks an HEVC configuration holds only parameter-set arrays.
func vHvcC(p []byte) (int, error) {
	if len(p) < 23 {
		return 0, notClean("hvcC cut short")
	}
	ls := int(p[21]&3) + 1
	if ls == 3 {
		return 0, notClean("hvcC with 3-byte lengths")
	}
	i := 23
	for a := 0; a < int(p[22]); a++ {
		if len(p)-i < 3 {
			return 0, notClean("hvcC cut short")
		}
		typ := p[i] & 0x3F
		if typ < 32 || typ > 34 {
			return 0, notClean("hvcC holds NAL units of type %d", typ)
		}
		n := int(binary.BigEndian.Uint16(p[i+1:]))
		i += 3
		for k := 0; k < n; k++ {
			if len(p)-i < 2 {
				return 0, notClean("hvcC cut short")
			}
			l := int(binary.BigEndian.Uint16(p[i:]))
			i += 2
			if l < 2 || len(p)-i < l || p[i]>>1&0x3F != typ {
				return 0, notClean("hvcC damaged")
			}
			i += l
		}
	}
	if i != len(p) {
		return 0, notClean("hvcC has trailing bytes")
	}
	return ls, nil
}

// chunks lays out every chunk of every track from stsc, stsz and the chunk
// offsets, sorted by offset.
func (w *vWalker) chunks() ([]vChunk, error) {
	var total, nch uint64
	for _, tr := range w.tracks {
		nch += uint64(len(tr.offsets))
	}
	if nch > vMaxSamples {
		return nil, notClean("too many chunks")
	}
	out := make([]vChunk, 0, nch)
	for ti, tr := range w.tracks {
		total += uint64(tr.count)
		if total > vMaxSamples {
			return nil, notClean("too many samples")
		}
		runs := len(tr.stsc) / 12
		var sample uint64
		nch := uint32(len(tr.offsets))
		for r := 0; r < runs; r++ {
			first := binary.BigEndian.Uint32(tr.stsc[12*r:])
			per := binary.BigEndian.Uint32(tr.stsc[12*r+4:])
			desc := binary.BigEndian.Uint32(tr.stsc[12*r+8:])
			last := nch
			if r+1 < runs {
				next := binary.BigEndian.Uint32(tr.stsc[12*(r+1):])
				if next <= first {
					return nil, notClean("stsc out of order")
				}
				last = min(next-1, nch)
			}
			if (r == 0 && first != 1) || first > nch || per == 0 || desc == 0 || int(desc) > len(tr.entries) {
				return nil, notClean("stsc inconsistent with the chunk and description tables")
			}
			for c := first; c <= last; c++ {
				if sample+uint64(per) > uint64(tr.count) {
					return nil, notClean("chunks hold more samples than stsz lists")
				}
				var n int64
				if tr.konst != 0 {
					n = int64(per) * int64(tr.konst)
				} else {
					for i := sample; i < sample+uint64(per); i++ {
						n += int64(binary.BigEndian.Uint32(tr.sizes[4*i:]))
					}
				}
				out = append(out, vChunk{off: tr.offsets[c-1], n: n, track: uint16(ti), first: uint32(sample), cnt: per, entry: uint16(desc - 1)})
				sample += uint64(per)
			}
		}
		if sample != uint64(tr.count) || (runs == 0 && nch != 0) || len(out) == 0 && tr.count != 0 {
			return nil, notClean("sample tables disagree")
		}
	}
	slices.SortStableFunc(out, func(a, b vChunk) int { return cmp.Compare(a.off, b.off) })
	return out, nil
}

func (tr *vTrack) size(i uint32) uint32 {
	if tr.konst != 0 {
		return tr.konst
	}
	return binary.BigEndian.Uint32(tr.sizes[4*i:])
}

// scanSamples reads mdat once, front to back, and checks every video
// sample's units.
func (w *vWalker) scanSamples(ctx context.Context, r io.ReaderAt, chunks []vChunk, mdat vBox) error {
	br := bufio.NewReaderSize(io.NewSectionReader(r, mdat.payload, mdat.end-mdat.payload), 1<<20)
	for ci, c := range chunks {
		if ci%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tr := w.tracks[c.track]
		e := tr.entries[c.entry]
		if tr.handler != "vide" {
			if _, err := br.Discard(int(c.n)); err != nil {
				return notClean("mdat cut short")
			}
			continue
		}
		for i := c.first; i < c.first+c.cnt; i++ {
			if err := vSample(br, e, tr.size(i)); err != nil {
				return fmt.Errorf("track %d, sample %d: %w", c.track+1, i+1, err)
			}
		}
	}
	return nil
}

var errVShort = errors.New("short")

// vSample checks one video sample of n bytes read from br.
func vSample(br *bufio.Reader, e vEntry, n uint32) error {
	switch e.format {
	case "avc1", "avc3", "hvc1", "hev1":
		ok := vAVCOK
		if e.format[0] == 'h' {
			ok = vHEVCOK
		}
		L := uint32(e.lengthSize)
		for left := n; left > 0; {
			if left < L+1 {
				return notClean("a NAL unit cut short")
			}
			p, err := br.Peek(int(L) + 1)
			if err != nil {
				return notClean("mdat cut short")
			}
			var l uint32
			for _, c := range p[:L] {
				l = l<<8 | uint32(c)
			}
			if l == 0 || l > left-L {
				return notClean("a NAL unit of %d bytes in %d", l, left-L)
			}
			if !ok(p[L]) {
				return notClean("a NAL unit of a kind that carries no picture (SEI, filler or reserved, header %#x)", p[L])
			}
			if _, err := br.Discard(int(L + l)); err != nil {
				return notClean("mdat cut short")
			}
			left -= L + l
		}
		return nil
	case "av01":
		for left := int64(n); left > 0; {
			p, _ := br.Peek(int(min(10, left)))
			if len(p) == 0 || p[0]&0x80 != 0 {
				return notClean("a damaged OBU")
			}
			typ, hl := p[0]>>3&0xF, 1
			if p[0]&4 != 0 {
				hl++
			}
			switch typ {
			case 1, 3, 4, 6, 7, 8:
			default:
				return notClean("an OBU of type %d (metadata, padding or reserved)", typ)
			}
			var body int64 = left - int64(hl)
			if p[0]&2 != 0 {
				var v uint64
				done := false
				for k := 0; k < 8 && hl < len(p); k++ {
					b := p[hl]
					hl++
					v |= uint64(b&0x7F) << (7 * k)
					if b&0x80 == 0 {
						done = true
						break
					}
				}
				if !done {
					return notClean("a damaged OBU size")
				}
				body = int64(v)
			}
			if int64(hl)+body > left || body < 0 {
				return notClean("an OBU runs past its sample")
			}
			if _, err := br.Discard(int(int64(hl) + body)); err != nil {
				return notClean("mdat cut short")
			}
			left -= int64(hl) + body
		}
		return nil
	case "mp4v":
		// User data (start code 00 00 01 B2) may sit anywhere in the sample.
		var tail []byte
		for left := int(n); left > 0; {
			k := min(left, 64<<10)
			p, err := br.Peek(k)
			if err != nil && len(p) < k {
				return notClean("mdat cut short")
			}
			buf := append(tail, p...)
			if bytes.Contains(buf, []byte{0, 0, 1, 0xB2}) {
				return notClean("MPEG-4 user data in a video sample")
			}
			tail = append([]byte(nil), buf[max(0, len(buf)-3):]...)
			br.Discard(k)
			left -= k
		}
		return nil
	}
	if _, err := br.Discard(int(n)); err != nil {
		return notClean("mdat cut short")
	}
	return nil
}
