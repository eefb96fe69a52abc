package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/internal/nal"
	"codeberg.org/veil/veil/metadata"
)

// mdpmUUID opens the user data that AVCHD cameras (Sony, Panasonic, Canon,
// JVC) put in the H.264 stream, followed by "MDPM": the Modified DV Pack
// Meta, a list of 5-byte packs (an ID and 4 bytes) holding the recording
// date with its time zone, the camera make and model, exposure settings
// and, on cameras with a receiver, the GPS position. The layout follows
// IEC 61834-4 as ExifTool documents it.
var mdpmUUID = []byte{0x17, 0xee, 0x8c, 0x60, 0xf8, 0x4d, 0x11, 0xd9, 0x8c, 0xd6, 0x08, 0x00, 0x20, 0x0c, 0x9a, 0x66}

// mdpmMakes are the maker codes of pack 0xE0.
var mdpmMakes = map[uint16]string{0x0103: "Panasonic", 0x0108: "Sony", 0x1011: "Canon", 0x1104: "JVC"}

// cameraRecord is what an MDPM block says, as text ready to report; empty
// fields were not there or made no sense.
type cameraRecord struct {
	Date, Make, Model, Position string
}

// mdpm decodes the first MDPM block in an H.264 SEI NAL unit (header byte
// included), or reports false.
func mdpm(unit []byte) (cameraRecord, bool) {
	if len(unit) < 2 || unit[0]&0x1F != 6 {
		return cameraRecord{}, false
	}
	p := nal.RBSP(unit[1:], len(unit))
	for len(p) > 1 { // the last byte is the stop bit
		typ, size := 0, 0
		for ok := true; ok && len(p) > 0; p = p[1:] {
			typ, ok = typ+int(p[0]), p[0] == 255
		}
		for ok := true; ok && len(p) > 0; p = p[1:] {
			size, ok = size+int(p[0]), p[0] == 255
		}
		if size > len(p) {
			return cameraRecord{}, false
		}
		body := p[:size]
		p = p[size:]
		if typ == 5 && len(body) > 21 && bytes.Equal(body[:16], mdpmUUID) && string(body[16:20]) == "MDPM" {
			return decodePacks(body[21:], int(body[20])), true
		}
	}
	return cameraRecord{}, false
}

// decodePacks reads up to n packs of 5 bytes.
func decodePacks(p []byte, n int) cameraRecord {
	packs := map[byte][]byte{}
	for i := 0; i < n && len(p) >= 5; i++ {
		if _, dup := packs[p[0]]; !dup {
			packs[p[0]] = p[1:5]
		}
		p = p[5:]
	}
	var r cameraRecord
	if a, b := packs[0x18], packs[0x19]; a != nil && b != nil {
		r.Date = mdpmDate(a, b)
	}
	if m := packs[0xE0]; m != nil {
		code := binary.BigEndian.Uint16(m)
		if name, ok := mdpmMakes[code]; ok {
			r.Make = name
		} else {
			r.Make = fmt.Sprintf("maker code 0x%04X", code)
		}
	}
	var model []byte
	for id := byte(0xE4); id <= 0xE6 && packs[id] != nil; id++ {
		model = append(model, packs[id]...)
	}
	if s := strings.TrimSpace(strings.TrimRight(string(model), "\x00")); s != "" && printableRuns([]byte(s), len(s), maxValue) == s {
		r.Model = s
	}
	lat, okLat := mdpmDegrees(packs, 0xB2)
	lon, okLon := mdpmDegrees(packs, 0xB6)
	if okLat && okLon {
		if ref := packs[0xB1]; ref != nil && ref[0] == 'S' {
			lat = -lat
		}
		if ref := packs[0xB5]; ref != nil && ref[0] == 'W' {
			lon = -lon
		}
		r.Position = fmt.Sprintf("%.6f, %.6f", lat, lon)
	}
	return r
}

// mdpmDate reads packs 0x18 and 0x19: a time-zone byte, then century,
// year, month, day, hour, minute and second in BCD.
func mdpmDate(a, b []byte) string {
	d := append(append([]byte(nil), a[1:]...), b...)
	var v [7]int
	for i, x := range d {
		hi, lo := int(x>>4), int(x&0x0F)
		if hi > 9 || lo > 9 {
			return ""
		}
		v[i] = hi*10 + lo
	}
	if v[2] < 1 || v[2] > 12 || v[3] < 1 || v[3] > 31 || v[4] > 23 || v[5] > 59 || v[6] > 60 {
		return ""
	}
	s := fmt.Sprintf("%02d%02d-%02d-%02d %02d:%02d:%02d", v[0], v[1], v[2], v[3], v[4], v[5], v[6])
	tz := a[0]
	if tz&0x80 != 0 { // zone not recorded
		return s
	}
	sign := "+"
	if tz&0x20 != 0 {
		sign = "-"
	}
	half := "00"
	if tz&1 != 0 {
		half = "30"
	}
	s += fmt.Sprintf(" %s%02d:%s", sign, tz>>1&0x0F, half)
	if tz&0x40 != 0 {
		s += " (summer time)"
	}
	return s
}

// mdpmDegrees reads degrees, minutes and seconds from three packs from id
// on, each a 16-bit numerator and denominator.
func mdpmDegrees(packs map[byte][]byte, id byte) (float64, bool) {
	var v float64
	for i, scale := range []float64{1, 60, 3600} {
		p := packs[id+byte(i)]
		if p == nil {
			return 0, false
		}
		num, den := binary.BigEndian.Uint16(p), binary.BigEndian.Uint16(p[2:])
		if den == 0 {
			return 0, false
		}
		v += float64(num) / float64(den) / scale
	}
	return v, v <= 180
}

// report adds the record's findings.
func (r cameraRecord) report(in *inspector, where string) {
	if r.Position != "" {
		in.add(metadata.Location, metadata.High, where, "GPS position (camera data in the video stream)", r.Position)
	}
	if r.Make != "" {
		in.add(metadata.Device, metadata.Medium, where, "Make (camera data in the video stream)", r.Make)
	}
	if r.Model != "" {
		in.add(metadata.Device, metadata.Medium, where, "Model (camera data in the video stream)", r.Model)
	}
	if r.Date != "" {
		in.add(metadata.Time, metadata.High, where, "Recording date (camera data in the video stream)", r.Date)
	}
}
