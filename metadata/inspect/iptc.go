package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"codeberg.org/veil/veil/metadata"
)

// iptc inspects IPTC-IIM data (a sequence of 0x1C-tagged datasets).
func (in *inspector) iptc(b []byte, where string) {
	in.guard(where, "IPTC", func() {
		var utf8 bool
		vals := map[[2]byte][]string{}
		var order [][2]byte
		i := 0
		for n := 0; i+5 <= len(b) && n < 10000; n++ {
			if b[i] != 0x1C {
				if bytes.Count(b[i:], []byte{0}) == len(b)-i {
					break // zero padding
				}
				in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", fmt.Sprintf("unexpected byte at %d", i))
				break
			}
			rec, ds := b[i+1], b[i+2]
			size := int(binary.BigEndian.Uint16(b[i+3:]))
			i += 5
			if size&0x8000 != 0 { // extended dataset: the next size&0x7FFF bytes hold the length
				k := size & 0x7FFF
				if k > 4 || i+k > len(b) {
					in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", "bad extended length")
					return
				}
				size = 0
				for _, c := range b[i : i+k] {
					size = size<<8 | int(c)
				}
				i += k
			}
			if size < 0 || i+size > len(b) {
				in.add(metadata.Other, metadata.Medium, where, "Damaged IPTC", fmt.Sprintf("dataset %d:%d runs past the end", rec, ds))
				size = len(b) - i
			}
			v := b[i : i+size]
			i += size
			key := [2]byte{rec, ds}
			if key == [2]byte{1, 90} && bytes.Contains(v, []byte("\x1b%G")) {
				utf8 = true
			}
			if _, seen := vals[key]; !seen {
				order = append(order, key)
			}
			s := string(v)
			if !utf8 && !isPrintable(s) {
				s = asciiText(v)
			}
			if key == [2]byte{2, 0} || key == [2]byte{1, 0} || key == [2]byte{1, 90} {
				if len(v) == 2 {
					s = fmt.Sprint(binary.BigEndian.Uint16(v))
				} else if key == [2]byte{1, 90} {
					s = "UTF-8"
					if !utf8 {
						s = fmt.Sprintf("%q", v)
					}
				}
			}
			if key == [2]byte{2, 55} || key == [2]byte{2, 62} || key == [2]byte{2, 30} {
				if len(s) == 8 {
					s = s[:4] + "-" + s[4:6] + "-" + s[6:]
				}
			}
			if key == [2]byte{2, 202} {
				s = imageDesc(v) + " (a preview image)"
			}
			vals[key] = append(vals[key], strings.TrimSpace(s))
		}
		for _, k := range order {
			tg, ok := iptcTags[k]
			if !ok {
				rec := "envelope"
				if k[0] == 2 {
					rec = "application"
				}
				tg = tagInfo{fmt.Sprintf("IPTC %s record %d", rec, k[1]), metadata.Other, metadata.Low}
				if k[0] != 1 && k[0] != 2 {
					tg.name = fmt.Sprintf("IPTC record %d:%d", k[0], k[1])
				}
			}
			in.add(tg.cat, tg.sev, where, tg.name, strings.Join(vals[k], "; "))
		}
		if len(order) == 0 {
			in.add(metadata.Other, metadata.Low, where, "IPTC block", sizeText(len(b))+", no datasets")
		}
	})
}
