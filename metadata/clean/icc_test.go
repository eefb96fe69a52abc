package clean

import (
	"testing"

	"codeberg.org/veil/veil/internal/testimg"
)

// TestStandardICC: the cleaner's judgement of colour profiles agrees with
// the shared cases (the verifier's own judgement is tested against the same
// ones).
func TestStandardICC(t *testing.T) {
	for _, tt := range testimg.ICCCases() {
		if got, _ := standardICC(tt.ICC); got != tt.Stock {
			t.Errorf("%s: standardICC = %v, want %v", tt.Name, got, tt.Stock)
		}
	}
}
