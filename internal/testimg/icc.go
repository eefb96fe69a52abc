package testimg

import "encoding/binary"

// ICC builds a small ICC v2 display profile (class mntr, created
// 2024-05-06) with the given description and copyright, plus empty XYZ tags
// under any extra signatures.
func ICC(desc, cprt string, extra ...string) []byte {
	type tag struct {
		sig  string
		data []byte
	}
	d := append([]byte("desc\x00\x00\x00\x00"), BE32(uint32(len(desc)+1))...)
	d = append(d, desc...)
	d = append(d, 0)
	d = append(d, make([]byte, 4+4+2+1+67)...) // empty Unicode and ScriptCode parts
	tags := []tag{{"desc", d}, {"cprt", append(append([]byte("text\x00\x00\x00\x00"), cprt...), 0)}}
	xyz := append([]byte("XYZ \x00\x00\x00\x00"), make([]byte, 12)...)
	tags = append(tags, tag{"wtpt", xyz})
	for _, e := range extra {
		tags = append(tags, tag{e, xyz})
	}
	hdr := make([]byte, 128)
	copy(hdr[8:], []byte{2, 0x10, 0, 0})
	copy(hdr[12:], "mntrRGB XYZ ")
	binary.BigEndian.PutUint16(hdr[24:], 2024)
	binary.BigEndian.PutUint16(hdr[26:], 5)
	binary.BigEndian.PutUint16(hdr[28:], 6)
	copy(hdr[36:], "acsp")
	table := BE32(uint32(len(tags)))
	off := 128 + 4 + 12*len(tags)
	var body []byte
	for _, tg := range tags {
		table = append(table, tg.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(off+len(body)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(tg.data)))
		body = append(body, tg.data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	p := append(append(hdr, table...), body...)
	binary.BigEndian.PutUint32(p, uint32(len(p)))
	return p
}

// ICCCase is a colour profile and whether a cleaner may keep it.
type ICCCase struct {
	Name  string
	ICC   []byte
	Stock bool // a stock profile that identifies nobody
}

// ICCCases are the colour profiles both the cleaner's and the verifier's
// judgement are tested against: each judges by its own rules, and both must
// agree on these.
func ICCCases() []ICCCase {
	return []ICCCase{
		{"sRGB", ICC("sRGB IEC61966-2.1", "Copyright (c) 1998 Hewlett-Packard Company"), true},
		{"Display P3", ICC("Display P3", "Copyright Apple Inc., 2017"), true},
		{"Android sRGB", ICC("sRGB", "Google Inc. 2016"), true},
		{"Adobe RGB", ICC("Adobe RGB (1998)", "Copyright 1999 Adobe Systems Incorporated"), true},
		{"ICC sRGB v4", ICC("sRGB v4 ICC preference perceptual intent beta", "Copyright 2007 International Color Consortium, all rights reserved."), true},
		{"public domain", ICC("Linear sRGB", "No copyright, use freely"), true},
		{"calibrated display", ICC("Color LCD", "Copyright Apple Inc., 2009"), false},
		{"named owner", ICC("Jane Roe's monitor", "Copyright Jane Roe"), false},
		{"standard name, personal copyright", ICC("sRGB", "Copyright Jane Roe"), false},
		{"publisher, then a name", ICC("sRGB", "Copyright Apple Inc. for Jane Roe"), false},
		{"calibration curves", ICC("sRGB", "Copyright Google Inc., 2016", "vcgt"), false},
		{"device make and model", ICC("Display P3", "Copyright Apple Inc., 2017", "mmod"), false},
		{"truncated", ICC("sRGB", "")[:140], false},
		{"garbage", []byte("not a profile at all, not even close to one, but long enough to pass the size check at the start of the parser; more bytes"), false},
	}
}
