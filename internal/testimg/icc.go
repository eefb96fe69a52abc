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
