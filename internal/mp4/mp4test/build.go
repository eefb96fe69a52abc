// Package mp4test builds small MP4 and QuickTime movies for tests: a video
// track of length-prefixed H.264 NAL units, an optional AAC track, an
// optional timed-metadata (mebx) track standing in for Apple's detected
// faces, and the metadata phones write (udta ©xyz, Apple keys, XMP in a
// uuid box, non-zero dates, a rotation matrix). The bytes are structurally
// valid for a box walker; the coded pictures are not real.
package mp4test

import (
	"encoding/binary"

	"codeberg.org/veil/veil/internal/bmff"
)

// Movie describes a test movie. The zero value plus Video is a plain MP4.
type Movie struct {
	QuickTime bool
	// Video are the video samples, each a list of NAL units (header byte
	// first); they are written with 4-byte lengths.
	Video [][][]byte
	// Audio are the audio samples; Meta the samples of a timed-metadata
	// track ("mebx", with a detected-face key).
	Audio, Meta [][]byte
	// PerChunk is how many samples of a track go in one chunk (default 2);
	// chunks of the tracks are interleaved.
	PerChunk int
	// Dated sets creation and modification times; Rotation (90, 180, 270)
	// sets the video's matrix.
	Dated    bool
	Rotation int
	// GPS adds moov/udta/©xyz; Keys an Apple moov/meta with a location key;
	// XMP a top-level XMP uuid box after mdat; Free a free box with text.
	GPS, Keys, XMP, Free bool
	// MdatFirst puts mdat before moov.
	MdatFirst bool
	// Fragmented adds an mvex box and a moof box.
	Fragmented bool
	// Extra boxes appended inside moov (raw, whole boxes).
	MoovExtra [][]byte
}

// Secrets are byte strings the metadata of a built movie holds; tests look
// for them in cleaned copies.
var Secrets = []string{"+48.8582+002.2945/", "com.apple.quicktime.location.ISO6709", "SECRET-XMP-DOCUMENT", "FREE-SPACE-NOTE", "FACE-BOX"}

// Box builds a box from its type and payload parts.
func Box(t string, parts ...[]byte) []byte { return bmff.Build(t, parts...) }

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

type track struct {
	handler string
	entry   []byte
	samples [][]byte
	offsets []uint32
	id      uint32
}

// Build returns the movie's bytes.
func Build(m Movie) []byte {
	per := m.PerChunk
	if per <= 0 {
		per = 2
	}
	var tracks []*track
	if len(m.Video) > 0 {
		var samples [][]byte
		for _, nals := range m.Video {
			var s []byte
			for _, n := range nals {
				s = append(append(s, u32(uint32(len(n)))...), n...)
			}
			samples = append(samples, s)
		}
		avcC := Box("avcC", []byte{1, 0x42, 0, 0x1e, 0xFF, 0xE1}, u16(4), []byte{0x67, 0x42, 0, 0x1e}, []byte{1}, u16(2), []byte{0x68, 0xce})
		fixed := make([]byte, 78)
		fixed[7] = 1
		binary.BigEndian.PutUint16(fixed[24:], 64)
		binary.BigEndian.PutUint16(fixed[26:], 48)
		binary.BigEndian.PutUint32(fixed[28:], 0x00480000)
		binary.BigEndian.PutUint32(fixed[32:], 0x00480000)
		fixed[41] = 1
		copy(fixed[42:], "\x0bPhoneCam 12")
		binary.BigEndian.PutUint16(fixed[74:], 24)
		binary.BigEndian.PutUint16(fixed[76:], 0xFFFF)
		tracks = append(tracks, &track{handler: "vide", entry: Box("avc1", fixed, avcC), samples: samples})
	}
	if len(m.Audio) > 0 {
		fixed := make([]byte, 28)
		fixed[7] = 1
		binary.BigEndian.PutUint16(fixed[16:], 2)
		binary.BigEndian.PutUint16(fixed[18:], 16)
		binary.BigEndian.PutUint32(fixed[24:], 44100<<16)
		esds := Box("esds", u32(0), []byte{3, 25, 0, 1, 0, 4, 17, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 2, 0x12, 0x10, 6, 1, 2})
		tracks = append(tracks, &track{handler: "soun", entry: Box("mp4a", fixed, esds), samples: m.Audio})
	}
	if len(m.Meta) > 0 {
		keyd := Box("keyd", []byte("mdta"), []byte("com.apple.quicktime.detected-face"))
		keys := Box("keys", Box("\x00\x00\x00\x01", keyd))
		fixed := make([]byte, 8)
		fixed[7] = 1
		tracks = append(tracks, &track{handler: "meta", entry: Box("mebx", fixed, keys), samples: m.Meta})
	}
	for i, t := range tracks {
		t.id = uint32(i + 1)
	}
	// Interleave chunks: round robin over the tracks.
	type chunk struct {
		t     *track
		first int
	}
	var order []chunk
	for i := 0; ; i += per {
		more := false
		for _, t := range tracks {
			if i < len(t.samples) {
				order = append(order, chunk{t, i})
				more = true
			}
		}
		if !more {
			break
		}
	}
	var payload []byte
	var rel []uint32
	for _, c := range order {
		rel = append(rel, uint32(len(payload)))
		for j := c.first; j < min(c.first+per, len(c.t.samples)); j++ {
			payload = append(payload, c.t.samples[j]...)
		}
	}
	ftyp := Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	if m.QuickTime {
		ftyp = Box("ftyp", []byte("qt  \x20\x05\x03\x00qt  "))
	}
	build := func(base uint32) []byte {
		for _, t := range tracks {
			t.offsets = nil
		}
		for i, c := range order {
			c.t.offsets = append(c.t.offsets, base+rel[i])
		}
		return moov(m, tracks, per)
	}
	mdat := Box("mdat", payload)
	var out []byte
	if m.MdatFirst {
		mv := build(uint32(len(ftyp) + 8))
		out = append(append(append(out, ftyp...), mdat...), mv...)
	} else {
		mv := build(0)
		mv = build(uint32(len(ftyp) + len(mv) + 8))
		out = append(append(append(out, ftyp...), mv...), mdat...)
	}
	if m.Free {
		out = append(out, Box("free", []byte("FREE-SPACE-NOTE written by PhoneCam 12"))...)
	}
	if m.XMP {
		xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmpMM:DocumentID="SECRET-XMP-DOCUMENT"/></rdf:RDF></x:xmpmeta>`
		out = append(out, Box("uuid", []byte("\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"), []byte(xmp))...)
	}
	if m.Fragmented {
		out = append(out, Box("moof", Box("mfhd", u32(0), u32(1)))...)
	}
	return out
}

func moov(m Movie, tracks []*track, per int) []byte {
	date := uint32(0)
	if m.Dated {
		date = 3_700_000_000
	}
	mvhd := append(append(u32(0), u32(date)...), u32(date)...)
	mvhd = append(mvhd, u32(1000)...)
	mvhd = append(mvhd, u32(2000)...)
	mvhd = append(mvhd, u32(0x00010000)...)
	mvhd = append(mvhd, u16(0x0100)...)
	mvhd = append(mvhd, make([]byte, 10)...)
	mvhd = append(mvhd, matrix(0)...)
	mvhd = append(mvhd, make([]byte, 24)...)
	mvhd = append(mvhd, u32(uint32(len(tracks)+1))...)
	kids := [][]byte{Box("mvhd", mvhd)}
	for _, t := range tracks {
		kids = append(kids, trak(m, t, date, per))
	}
	if m.GPS {
		kids = append(kids, Box("udta", Box("\xa9xyz", u16(18), u16(0x15c7), []byte("+48.8582+002.2945/"))))
	}
	if m.Keys {
		hdlr := Box("hdlr", u32(0), u32(0), []byte("mdta"), make([]byte, 12), []byte{0})
		keys := Box("keys", u32(0), u32(1), Box("mdta", []byte("com.apple.quicktime.location.ISO6709")))
		ilst := Box("ilst", Box("\x00\x00\x00\x01", Box("data", u32(1), u32(0), []byte("+48.8582+002.2945+035.000/"))))
		kids = append(kids, Box("meta", u32(0), hdlr, keys, ilst))
	}
	kids = append(kids, m.MoovExtra...)
	if m.Fragmented {
		kids = append(kids, Box("mvex", Box("trex", u32(0), u32(1), u32(1), u32(0), u32(0), u32(0))))
	}
	return Box("moov", kids...)
}

func matrix(rot int) []byte {
	a, b, c, d := int32(1<<16), int32(0), int32(0), int32(1<<16)
	switch rot {
	case 90:
		a, b, c, d = 0, 1<<16, -1<<16, 0
	case 180:
		a, d = -1<<16, -1<<16
	case 270:
		a, b, c, d = 0, -1<<16, 1<<16, 0
	}
	var out []byte
	for _, v := range []int32{a, b, 0, c, d, 0, 0, 0, 1 << 30} {
		out = append(out, u32(uint32(v))...)
	}
	return out
}

func trak(m Movie, t *track, date uint32, per int) []byte {
	tkhd := append(append(u32(3), u32(date)...), u32(date)...)
	tkhd = append(tkhd, u32(t.id)...)
	tkhd = append(tkhd, u32(0)...)
	tkhd = append(tkhd, u32(2000)...)
	tkhd = append(tkhd, make([]byte, 8)...)
	tkhd = append(tkhd, make([]byte, 4)...)
	vol := uint16(0)
	if t.handler == "soun" {
		vol = 0x100
	}
	tkhd = append(tkhd, u16(vol)...)
	tkhd = append(tkhd, u16(0)...)
	rot := 0
	w, h := uint32(0), uint32(0)
	if t.handler == "vide" {
		rot, w, h = m.Rotation, 64<<16, 48<<16
	}
	tkhd = append(tkhd, matrix(rot)...)
	tkhd = append(tkhd, u32(w)...)
	tkhd = append(tkhd, u32(h)...)
	mdhd := append(append(u32(0), u32(date)...), u32(date)...)
	mdhd = append(mdhd, u32(1000)...)
	mdhd = append(mdhd, u32(uint32(len(t.samples))*100)...)
	mdhd = append(mdhd, 0x55, 0xc4, 0, 0)
	name := map[string]string{"vide": "Core Media Video", "soun": "Core Media Audio", "meta": "Core Media Metadata"}[t.handler]
	hdlr := Box("hdlr", u32(0), []byte("mhlr"), []byte(t.handler), []byte("appl"), make([]byte, 8), []byte{byte(len(name))}, []byte(name))
	var mh []byte
	switch t.handler {
	case "vide":
		mh = Box("vmhd", u32(1), make([]byte, 8))
	case "soun":
		mh = Box("smhd", make([]byte, 8))
	default:
		mh = Box("gmhd", Box("gmin", u32(0), make([]byte, 12)))
	}
	dinf := Box("dinf", Box("dref", u32(0), u32(1), Box("alis", u32(1))))
	stsd := Box("stsd", u32(0), u32(1), t.entry)
	stts := Box("stts", u32(0), u32(1), u32(uint32(len(t.samples))), u32(100))
	stsc := Box("stsc", u32(0), u32(1), u32(1), u32(uint32(per)), u32(1))
	if len(t.samples)%per != 0 && len(t.offsets) > 1 {
		stsc = Box("stsc", u32(0), u32(2), u32(1), u32(uint32(per)), u32(1), u32(uint32(len(t.offsets))), u32(uint32(len(t.samples)%per)), u32(1))
	} else if len(t.offsets) == 1 {
		stsc = Box("stsc", u32(0), u32(1), u32(1), u32(uint32(len(t.samples))), u32(1))
	}
	sizes := append(u32(0), u32(0)...)
	sizes = append(sizes, u32(uint32(len(t.samples)))...)
	for _, s := range t.samples {
		sizes = append(sizes, u32(uint32(len(s)))...)
	}
	stco := append(u32(0), u32(uint32(len(t.offsets)))...)
	for _, o := range t.offsets {
		stco = append(stco, u32(o)...)
	}
	stbl := Box("stbl", stsd, stts, stsc, Box("stsz", sizes), Box("stco", stco))
	trakKids := [][]byte{Box("tkhd", tkhd), Box("edts", Box("elst", u32(0), u32(1), u32(2000), u32(0), u32(0x00010000))),
		Box("mdia", Box("mdhd", mdhd), hdlr, Box("minf", mh, dinf, stbl))}
	if t.handler == "meta" {
		trakKids = append(trakKids, Box("tref", Box("cdsc", u32(1))))
	}
	return Box("trak", trakKids...)
}

// Phone returns a movie with everything a phone writes: dates, rotation,
// GPS in udta and Apple keys, XMP, free-space text, a face track, audio,
// and SEI units in the video samples.
func Phone() Movie {
	var video [][][]byte
	for i := 0; i < 7; i++ {
		nals := [][]byte{{0x65, 0x88, 0x84, byte(i), 0x21, 0x43}}
		if i%3 == 0 {
			nals = append([][]byte{append([]byte{0x06, 0x05, 0x10}, []byte("SEI-CAMERA-SERIAL-0042")...)}, nals...)
		}
		video = append(video, nals)
	}
	var audio, meta [][]byte
	for i := 0; i < 5; i++ {
		audio = append(audio, []byte{0x21, 0x10, byte(i), 0x55, 0x66})
		meta = append(meta, append([]byte("FACE-BOX x=120 y=80 w=40 h=40 #"), byte('0'+i)))
	}
	return Movie{QuickTime: true, Video: video, Audio: audio, Meta: meta, Dated: true, Rotation: 90, GPS: true, Keys: true, XMP: true, Free: true}
}
