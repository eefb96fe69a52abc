package nal

import (
	"bytes"
	"testing"
)

func TestRBSP(t *testing.T) {
	cases := []struct {
		in, want []byte
		max      int
	}{
		{[]byte{1, 2, 3}, []byte{1, 2, 3}, 10},
		{[]byte{0, 0, 3, 1}, []byte{0, 0, 1}, 10},
		{[]byte{0, 0, 3, 0, 0, 3, 0}, []byte{0, 0, 0, 0, 0}, 10},
		{[]byte{0, 3, 0, 0, 3}, []byte{0, 3, 0, 0}, 10}, // one zero before a 3 is data
		{[]byte{0, 0, 3, 1, 2, 3}, []byte{0, 0}, 2},
	}
	for _, c := range cases {
		if got := RBSP(c.in, c.max); !bytes.Equal(got, c.want) {
			t.Errorf("RBSP(% x, %d) = % x, want % x", c.in, c.max, got, c.want)
		}
	}
}
