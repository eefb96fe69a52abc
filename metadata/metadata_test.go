package metadata

import (
	"reflect"
	"testing"
)

func TestByCategory(t *testing.T) {
	r := &Report{Findings: []Finding{
		{Category: Device, Severity: Low, Field: "a"},
		{Category: Location, Severity: Medium, Field: "b"},
		{Category: Device, Severity: High, Field: "c"},
		{Category: Other, Severity: Low, Field: "d"},
		{Category: Device, Severity: Medium, Field: "e"},
	}}
	var got []string
	for _, g := range r.ByCategory() {
		s := string(g.Category) + "/" + g.Worst.String() + ":"
		for _, f := range g.Findings {
			s += f.Field
		}
		got = append(got, s)
	}
	want := []string{"location/medium:b", "device/high:ace", "other/low:d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ByCategory = %q, want %q", got, want)
	}
	if len((&Report{}).ByCategory()) != 0 {
		t.Error("an empty report has groups")
	}
}
