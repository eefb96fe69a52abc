package inspect

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"

	"codeberg.org/veil/veil/metadata"
)

// jumbf reports a C2PA/JUMBF manifest (APP11 "JP"), with the claim generator,
// author names and thumbnails found in it.
func (in *inspector) jumbf(p []byte, where string) {
	in.c2pa(p, where)
}

// c2pa scans a JUMBF/C2PA payload without a full CBOR reader: it looks for
// JSON content boxes and for CBOR text values of well-known keys.
func (in *inspector) c2pa(p []byte, where string) {
	labels := ""
	if bytes.Contains(p, []byte("c2pa")) {
		labels = " (C2PA manifest: signed device/app, author and edit claims)"
	}
	in.add(metadata.Software, metadata.Medium, where, "JUMBF box", sizeText(len(p))+labels)
	if bytes.Contains(p, []byte("c2pa.thumbnail")) {
		in.add(metadata.HiddenImages, metadata.High, where, "C2PA thumbnail", "claim or ingredient thumbnail (may show the original)")
	}
	// JSON content boxes.
	for i, n := 0, 0; n < 16; n++ {
		k := bytes.Index(p[i:], []byte("json{"))
		if k < 0 {
			break
		}
		i += k + 4
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(p[i:]))
		if d.Decode(&m) != nil {
			continue
		}
		in.jsonFields(m, where, "")
	}
	// CBOR: "claim_generator" then a text string.
	for _, key := range []string{"claim_generator", "softwareAgent", "author", "name"} {
		k := bytes.Index(p, append([]byte{byte(0x60 + len(key))}, key...))
		if k < 0 || len(key) > 23 {
			continue
		}
		if s := cborText(p[k+1+len(key):]); s != "" {
			c, sev := metadata.Software, metadata.Medium
			if key == "author" || key == "name" {
				c, sev = metadata.People, metadata.High
			}
			in.add(c, sev, where, key, s)
		}
	}
}

// jsonFields reports the string fields of a JSON object (one level of nesting).
func (in *inspector) jsonFields(m map[string]any, where, parent string) {
	for _, k := range sortedKeys(m) {
		name := k
		if parent != "" {
			name = parent + "." + k
		}
		switch v := m[k].(type) {
		case string:
			c, sev := metadata.Other, metadata.Medium
			lk := strings.ToLower(k)
			switch {
			case strings.Contains(lk, "author") || strings.Contains(lk, "creator") || lk == "name" || strings.Contains(lk, "copyright"):
				c, sev = metadata.People, metadata.High
			case strings.Contains(lk, "generator") || strings.Contains(lk, "software") || strings.Contains(lk, "agent"):
				c, sev = metadata.Software, metadata.Medium
			case strings.Contains(lk, "date") || strings.Contains(lk, "time") || lk == "when":
				c, sev = metadata.Time, metadata.Medium
			}
			in.add(c, sev, where, name, v)
		case map[string]any:
			if parent == "" {
				in.jsonFields(v, where, k)
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// cborText reads a CBOR text string at the start of b.
func cborText(b []byte) string {
	if len(b) == 0 || b[0]>>5 != 3 {
		return ""
	}
	n, h := int(b[0]&0x1F), 1
	switch {
	case n == 24 && len(b) > 1:
		n, h = int(b[1]), 2
	case n == 25 && len(b) > 2:
		n, h = int(binary.BigEndian.Uint16(b[1:])), 3
	case n > 23:
		return ""
	}
	if h+n > len(b) {
		return ""
	}
	return string(b[h : h+n])
}
