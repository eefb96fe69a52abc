// Package nal reads the payload of H.264 and HEVC NAL units.
package nal

// RBSP returns the raw payload of a NAL unit's bytes p (the header
// excluded), without the emulation-prevention bytes a stream inserts after
// two zero bytes (00 00 03 becomes 00 00), keeping at most max bytes.
func RBSP(p []byte, max int) []byte {
	out := make([]byte, 0, min(max, len(p)))
	zeros := 0
	for _, c := range p {
		if len(out) >= max {
			break
		}
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
		out = append(out, c)
	}
	return out
}
