// Package printable makes the identifiers that files carry (box types,
// FourCCs, application names) safe to show: a hostile file chooses those
// bytes, and a name must stay one clean line in a report or a message.
package printable

// String replaces every byte outside printable ASCII with '?'.
func String(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c >= 0x7F {
			b[i] = '?'
		}
	}
	return string(b)
}
