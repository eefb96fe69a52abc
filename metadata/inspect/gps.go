package inspect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"codeberg.org/veil/veil/internal/ifd"
	"codeberg.org/veil/veil/metadata"
)

// gpsEntries combines the GPS IFD into position, altitude and time findings, and
// reports the rest tag by tag.
func (w *exifWalk) gpsEntries(es []ifd.Entry, where string) {
	in, t := w.in, w.t
	if len(es) > 0 {
		w.gps = true
	}
	var latRef, lonRef, altRef, date string
	var lat, lon, alt, tm []float64
	altRefSet := false
	var destLat, destLon []float64
	var destLatRef, destLonRef string
	for _, e := range es {
		switch e.Tag {
		case ifd.GPSLatitudeRef:
			latRef = asciiText(e.Value)
		case ifd.GPSLatitude:
			lat = t.Floats(e, 3)
		case ifd.GPSLongitudeRef:
			lonRef = asciiText(e.Value)
		case ifd.GPSLongitude:
			lon = t.Floats(e, 3)
		case ifd.GPSAltitudeRef:
			if v := t.Uints(e, 1); len(v) == 1 {
				altRefSet = true
				if v[0] == 1 {
					altRef = "below"
				}
			}
		case ifd.GPSAltitude:
			alt = t.Floats(e, 1)
		case ifd.GPSTimeStamp:
			tm = t.Floats(e, 3)
		case ifd.GPSDateStamp:
			date = exifDate(asciiText(e.Value))
		case ifd.GPSDestLatitudeRef:
			destLatRef = asciiText(e.Value)
		case ifd.GPSDestLatitude:
			destLat = t.Floats(e, 3)
		case ifd.GPSDestLongitudeRef:
			destLonRef = asciiText(e.Value)
		case ifd.GPSDestLongitude:
			destLon = t.Floats(e, 3)
		default:
			tg, ok := gpsTags[e.Tag]
			if !ok {
				tg = tagInfo{fmt.Sprintf("GPS tag 0x%04X", e.Tag), metadata.Location, metadata.Medium}
			}
			v := valueText(t, e)
			if e.Tag == ifd.GPSProcessingMethod || e.Tag == ifd.GPSAreaInformation {
				v = userComment(e.Value, t.Order)
			}
			if e.Tag == ifd.GPSVersionID {
				v = strings.ReplaceAll(v, ", ", ".")
			}
			in.add(tg.cat, tg.sev, where, tg.name, v)
		}
	}
	if lat != nil || lon != nil {
		in.add(metadata.Location, metadata.High, where, "GPS position", latLon(lat, latRef, lon, lonRef))
	} else if latRef != "" || lonRef != "" {
		in.add(metadata.Location, metadata.Medium, where, "GPS position", "reference only, no coordinates")
	}
	if len(alt) == 1 {
		if altRef == "" {
			altRef = "above"
		}
		in.add(metadata.Location, metadata.High, where, "GPS altitude", fmt.Sprintf("%s m %s sea level", strconv.FormatFloat(alt[0], 'f', 1, 64), altRef))
	} else if altRefSet {
		in.add(metadata.Location, metadata.Low, where, "GPS altitude", "reference only, no altitude")
	}
	if len(tm) == 3 || date != "" {
		v := date
		if len(tm) == 3 {
			sec := tm[2]
			clock := fmt.Sprintf("%02d:%02d:%02d", int(tm[0]), int(tm[1]), int(sec))
			if v != "" {
				v += " "
			}
			v += clock
		}
		in.add(metadata.Time, metadata.High, where, "GPS date/time (UTC)", v+" UTC")
	}
	if destLat != nil || destLon != nil {
		in.add(metadata.Location, metadata.High, where, "GPS destination", latLon(destLat, destLatRef, destLon, destLonRef))
	}
}

// latLon renders a position as signed decimal degrees.
func latLon(lat []float64, latRef string, lon []float64, lonRef string) string {
	f := func(v []float64, ref string, neg string) string {
		d, ok := degrees(v)
		if !ok {
			return "?"
		}
		if strings.HasPrefix(strings.ToUpper(ref), neg) {
			d = -d
		}
		return strconv.FormatFloat(d, 'f', 6, 64)
	}
	return f(lat, latRef, "S") + ", " + f(lon, lonRef, "W")
}

// degrees converts degrees, minutes, seconds to decimal degrees.
func degrees(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	d := v[0]
	if len(v) > 1 {
		d += v[1] / 60
	}
	if len(v) > 2 {
		d += v[2] / 3600
	}
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, false
	}
	return d, true
}
