package jpegseg

import (
	"bytes"
	"fmt"
)

// MarkerName names a marker ("SOF0", "DHT", "APP1", "RST3", "COM", ...).
func MarkerName(m byte) string {
	switch {
	case m == DHT:
		return "DHT"
	case m == DAC:
		return "DAC"
	case m == JPG:
		return "JPG"
	case m >= SOF0 && m <= 0xCF:
		return fmt.Sprintf("SOF%d", m-SOF0)
	case m >= RST0 && m <= RST7:
		return fmt.Sprintf("RST%d", m-RST0)
	case m >= APP0 && m <= APP15:
		return fmt.Sprintf("APP%d", m-APP0)
	case m >= 0xF0 && m <= 0xFD:
		return fmt.Sprintf("JPG%d", m-0xF0)
	}
	switch m {
	case SOI:
		return "SOI"
	case EOI:
		return "EOI"
	case SOS:
		return "SOS"
	case DQT:
		return "DQT"
	case DNL:
		return "DNL"
	case DRI:
		return "DRI"
	case DHP:
		return "DHP"
	case EXP:
		return "EXP"
	case COM:
		return "COM"
	case TEM:
		return "TEM"
	}
	return fmt.Sprintf("marker 0x%02X", m)
}

// appNames are the APPn segments known by their identifier.
var appNames = []struct {
	marker byte
	id     []byte
	name   string
}{
	{APP0, JFIF, "APP0 JFIF"},
	{APP0, JFXX, "APP0 JFXX"},
	{APP1, Exif, "APP1 Exif"},
	{APP1, XMP, "APP1 XMP"},
	{APP1, XMPExt, "APP1 XMP extended"},
	{APP2, ICC, "APP2 ICC_PROFILE"},
	{APP2, MPF, "APP2 MPF"},
	{APP11, JUMBF, "APP11 JUMBF"},
	{APP13, Photoshop, "APP13 Photoshop"},
	{APP14, Adobe, "APP14 Adobe"},
}

// Name names a segment: by marker, and an APPn segment by the identifier at
// the start of its payload ("APP1 Exif", "APP2 ICC_PROFILE", "APP12 Ducky",
// or plain "APP7"); stray bytes are "stray bytes".
func Name(s Segment) string {
	if s.Marker == 0 {
		return "stray bytes"
	}
	if !s.IsAPP() {
		return MarkerName(s.Marker)
	}
	for _, a := range appNames {
		if s.Marker == a.marker && bytes.HasPrefix(s.Payload, a.id) {
			return a.name
		}
	}
	app := MarkerName(s.Marker)
	if id := appID(s.Payload); id != "" {
		return app + " " + id
	}
	return app
}

// appID returns the printable identifier at the start of an APPn payload (up
// to the first NUL or non-printable byte, at most 32 characters).
func appID(p []byte) string {
	n := 0
	for n < len(p) && n < 32 && p[n] >= 0x20 && p[n] < 0x7F {
		n++
	}
	return string(bytes.TrimSpace(p[:n]))
}
