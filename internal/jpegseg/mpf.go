package jpegseg

import (
	"bytes"

	"codeberg.org/veil/veil/internal/ifd"
)

// maxMPFImages bounds the secondary images MPFImages returns.
const maxMPFImages = 256

// MPFImages locates the secondary images listed in the first APP2 MPF
// segment (CIPA DC-007). Offsets in the MP index count from the MPF TIFF
// header. Only images lying wholly inside b are returned, as [start, end)
// pairs.
func MPFImages(b []byte, segs []Segment) [][2]int {
	for _, s := range segs {
		if s.Marker != APP2 || !bytes.HasPrefix(s.Payload, MPF) {
			continue
		}
		base := s.Start + 4 + len(MPF)
		t, err := ifd.Parse(s.Payload[len(MPF):])
		if err != nil {
			return nil
		}
		es, _, _ := t.IFD(t.First())
		var out [][2]int
		for _, e := range es {
			if e.Tag != ifd.MPEntry || e.Type != ifd.Undefined {
				continue
			}
			for k := 0; k+16 <= len(e.Value) && len(out) < maxMPFImages; k += 16 {
				size, off := int64(t.Order.Uint32(e.Value[k+4:])), int64(t.Order.Uint32(e.Value[k+8:]))
				if off == 0 || size == 0 { // the first entry is the main image
					continue
				}
				st := int64(base) + off
				if st >= 0 && st+size <= int64(len(b)) {
					out = append(out, [2]int{int(st), int(st + size)})
				}
			}
		}
		return out
	}
	return nil
}
