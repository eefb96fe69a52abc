package detect

import (
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"

	"codeberg.org/veil/veil/assets"
)

// benchPlan compiles a plan for h×w with a synthetic input.
func benchPlan(b *testing.B, h, w int) *plan {
	m, err := parseModel(assets.YuNet)
	if err != nil {
		b.Fatal(err)
	}
	p, err := compile(m, h, w)
	if err != nil {
		b.Fatal(err)
	}
	copy(p.input, synthInput(1, h, w))
	return p
}

// BenchmarkPass640x480 is one network pass at 640×480 using every core
// (GOMAXPROCS, so -cpu 1,2 measures one and two threads).
func BenchmarkPass640x480(b *testing.B) {
	p := benchPlan(b, 480, 640)
	b.ReportAllocs()
	for b.Loop() {
		p.run(runtime.GOMAXPROCS(0))
	}
}

// TestLayerProfile prints the time per operator kind at 640×480 (with -v and
// VEIL_PROFILE=1), to see where a pass spends its time.
func TestLayerProfile(t *testing.T) {
	if testing.Short() || !testing.Verbose() || !envSet("VEIL_PROFILE") {
		t.Skip("set VEIL_PROFILE=1 and -v")
	}
	p := benchPlan(&testing.B{}, 480, 640)
	byName := map[string]time.Duration{}
	macs := map[string]int{}
	for range 10 {
		for _, s := range p.steps {
			t0 := time.Now()
			s.run(0, s.units)
			key := fmt.Sprintf("%s u=%d c=%d", s.name, s.units, s.cost)
			byName[key] += time.Since(t0)
			macs[key] = s.units * s.cost
		}
	}
	var keys []string
	var total time.Duration
	for k, d := range byName {
		keys = append(keys, k)
		total += d
	}
	sort.Slice(keys, func(i, j int) bool { return byName[keys[i]] > byName[keys[j]] })
	for _, k := range keys[:min(25, len(keys))] {
		d := byName[k] / 10
		t.Logf("%8.2f ms %6.2f GMAC/s  %s", d.Seconds()*1e3, float64(macs[k])/d.Seconds()/1e9, k)
	}
	t.Logf("total %.1f ms single thread", total.Seconds()*1e3/10)
}
