package clean

import (
	"encoding/binary"
	"math"

	"codeberg.org/veil/veil/internal/mp4"
)

// edit is one entry of an edit list: Duration in the movie's timescale,
// MediaTime in the track's (-1 for an empty edit), Rate as 16.16.
type edit struct {
	Duration  uint64
	MediaTime int64
	Rate      uint32
}

// parseElst reads an elst payload; ok is false for one that is cut short
// or holds more than a few entries (nothing here needs more).
func parseElst(d []byte) (es []edit, wide, ok bool) {
	if !validElst(d) {
		return nil, false, false
	}
	wide = d[0] == 1
	n := binary.BigEndian.Uint32(d[4:])
	if n > 8 {
		return nil, wide, false
	}
	for p := d[8:]; len(p) > 0; {
		var e edit
		if wide {
			e.Duration, e.MediaTime = binary.BigEndian.Uint64(p), int64(binary.BigEndian.Uint64(p[8:]))
			p = p[16:]
		} else {
			e.Duration, e.MediaTime = uint64(binary.BigEndian.Uint32(p)), int64(int32(binary.BigEndian.Uint32(p[4:])))
			p = p[8:]
		}
		e.Rate = binary.BigEndian.Uint32(p)
		p = p[4:]
		es = append(es, e)
	}
	return es, wide, true
}

// buildElst is parseElst's inverse, keeping the version it read.
func buildElst(es []edit, wide bool) []byte {
	d := []byte{0, 0, 0, 0}
	if wide {
		d[0] = 1
	}
	d = binary.BigEndian.AppendUint32(d, uint32(len(es)))
	for _, e := range es {
		if wide {
			d = binary.BigEndian.AppendUint64(d, e.Duration)
			d = binary.BigEndian.AppendUint64(d, uint64(e.MediaTime))
		} else {
			d = binary.BigEndian.AppendUint32(d, uint32(e.Duration))
			d = binary.BigEndian.AppendUint32(d, uint32(int32(e.MediaTime)))
		}
		d = binary.BigEndian.AppendUint32(d, e.Rate)
	}
	return d
}

// runs reads the (count, value) pairs of a stts or ctts payload.
func runs(d []byte) [][2]uint32 {
	if len(d) < 8 {
		return nil
	}
	n := binary.BigEndian.Uint32(d[4:])
	if uint64(len(d)-8) < uint64(n)*8 {
		return nil
	}
	out := make([][2]uint32, n)
	for i := range out {
		out[i] = [2]uint32{binary.BigEndian.Uint32(d[8+8*i:]), binary.BigEndian.Uint32(d[12+8*i:])}
	}
	return out
}

// earliestComposition is the smallest composition time (decode time plus
// ctts offset, in the track's timescale) of any sample described by the
// stts and ctts payloads. It walks the runs of both tables together, so
// its cost follows the tables' length, not the number of samples. ok is
// false when the tables disagree or are missing.
func earliestComposition(stts, ctts []byte) (earliest int64, ok bool) {
	st := runs(stts)
	if len(st) == 0 {
		return 0, false
	}
	var ct [][2]uint32
	if ctts != nil {
		if ct = runs(ctts); len(ct) == 0 {
			return 0, false
		}
	}
	earliest = math.MaxInt64
	var dts int64
	si, ci := 0, 0
	sLeft, cLeft := uint64(st[0][0]), uint64(math.MaxUint64)
	if ct != nil {
		cLeft = uint64(ct[0][0])
	}
	for si < len(st) {
		if sLeft == 0 {
			if si++; si < len(st) {
				sLeft = uint64(st[si][0])
			}
			continue
		}
		var off int64
		if ct != nil {
			for cLeft == 0 {
				if ci++; ci >= len(ct) {
					return 0, false // more samples than composition offsets
				}
				cLeft = uint64(ct[ci][0])
			}
			// Offsets are signed in version 1 and, as players read them,
			// in version 0 as well.
			off = int64(int32(ct[ci][1]))
		}
		// Within a stretch where both runs hold, the first sample comes
		// first in composition too (durations are not negative).
		k := min(sLeft, cLeft)
		earliest = min(earliest, dts+off)
		delta := int64(st[si][1])
		if k > uint64(math.MaxInt64/2)/uint64(max(delta, 1)) {
			return 0, false
		}
		dts += int64(k) * delta
		sLeft -= k
		if ct != nil {
			cLeft -= k
		}
	}
	return earliest, earliest != math.MaxInt64
}

// showLeadingFrames rewrites the edit list FFmpeg's MP4 muxer gives a
// video stream copied out of a container without edit lists (a transport
// stream, Matroska, AVI). The muxer starts the track at the first packet's
// presentation time, but a stream that opens with an I picture followed by
// B pictures shown before it (the AVCHD clip in the fixtures: two of them)
// has earlier frames, which the source plays and the edit list would hide.
// The visible edit is moved back to the earliest frame, and the empty edit
// before it shortened by as much, so that every frame keeps its time and
// the track its duration. An edit list of any other shape is left alone,
// and so are frames that would need the other tracks moved.
func showLeadingFrames(elst []byte, earliest int64, movieScale, mediaScale uint32) []byte {
	es, wide, ok := parseElst(elst)
	if !ok || movieScale == 0 || mediaScale == 0 {
		return elst
	}
	var empty uint64
	emptyRate := uint32(1 << 16)
	if len(es) == 2 && es[0].MediaTime == -1 {
		empty, emptyRate, es = es[0].Duration, es[0].Rate, es[1:]
	}
	if len(es) != 1 || es[0].MediaTime < 0 || es[0].Rate != 1<<16 || earliest < 0 || earliest >= es[0].MediaTime {
		return elst
	}
	const limit = 1 << 40 // keeps the products below in range
	want := uint64(es[0].MediaTime - earliest)
	if empty > limit || want > limit || es[0].Duration > limit {
		return elst
	}
	// The shift in the track's timescale, no more than the empty edit.
	shift := min(want, empty*uint64(mediaScale)/uint64(movieScale))
	shiftMovie := min(empty, (shift*uint64(movieScale)+uint64(mediaScale)/2)/uint64(mediaScale))
	if shift == 0 || (!wide && es[0].Duration+shiftMovie > math.MaxUint32) {
		return elst
	}
	out := []edit{{Duration: es[0].Duration + shiftMovie, MediaTime: es[0].MediaTime - int64(shift), Rate: 1 << 16}}
	if rest := empty - shiftMovie; rest > 0 {
		out = append([]edit{{Duration: rest, MediaTime: -1, Rate: emptyRate}}, out...)
	}
	return buildElst(out, wide)
}

// leadingEdits is showLeadingFrames for track t, whose composition times
// come from its sample table.
func leadingEdits(elst []byte, t *mp4.Track, movieScale uint32) []byte {
	var stts, ctts []byte
	if b := t.Stbl.Child("stts"); b != nil {
		stts = b.Data
	}
	if b := t.Stbl.Child("ctts"); b != nil {
		ctts = b.Data
	}
	earliest, ok := earliestComposition(stts, ctts)
	if !ok {
		return elst
	}
	return showLeadingFrames(elst, earliest, movieScale, t.Timescale)
}
