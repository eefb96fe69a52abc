package detect

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"sort"
	"testing"
	"time"

	"codeberg.org/veil/veil/assets"
)

// reportCPU adds a cpu-ms/op metric from the process CPU time since start
// (where the OS reports it). The machine is shared, so wall time alone says
// little; benchmarks report both.
func reportCPU(b *testing.B, start time.Duration) {
	if now := processCPU(); now > 0 {
		b.ReportMetric(float64(now-start)/1e6/float64(b.N), "cpu-ms/op")
	}
}

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
	start := processCPU()
	for b.Loop() {
		p.run(runtime.GOMAXPROCS(0))
	}
	reportCPU(b, start)
}

// TestLayerProfile prints the time per operator kind at 640×480 (with -v and
// VEIL_PROFILE=1), to see where a pass spends its time.
func TestLayerProfile(t *testing.T) {
	if testing.Short() || !testing.Verbose() || !envSet("VEIL_PROFILE") || threadCPU() == 0 {
		t.Skip("set VEIL_PROFILE=1 and -v (Linux only)")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p := benchPlan(&testing.B{}, 480, 640)
	byName := map[string]time.Duration{}
	macs := map[string]int{}
	for range 10 {
		for _, s := range p.steps {
			t0 := threadCPU()
			s.run(0, 0, s.units)
			key := fmt.Sprintf("%s u=%d c=%d", s.name, s.units, s.cost)
			byName[key] += threadCPU() - t0
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
	t.Logf("total %.1f ms thread CPU time, one thread", total.Seconds()*1e3/10)
}

// synthYCbCr is a deterministic 4:2:0 photo-like image (what a JPEG decoder
// returns): smooth gradients, blocks and noise. Passes cost the same whatever
// the content, so it stands in for a real photo of that size.
func synthYCbCr(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	s := uint32(12345)
	for y := range h {
		for x := range w {
			s ^= s << 13
			s ^= s >> 17
			s ^= s << 5
			v := (x*3+y*5)/16 + int(s&15)
			if (x/97+y/61)%3 == 0 {
				v += 70
			}
			img.Y[y*img.YStride+x] = uint8(v)
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			img.Cb[y*img.CStride+x] = uint8(100 + x%50)
			img.Cr[y*img.CStride+x] = uint8(120 + y%40)
		}
	}
	return img
}

func benchDetect(b *testing.B, w, h int) {
	d, err := New()
	if err != nil {
		b.Fatal(err)
	}
	img := synthYCbCr(w, h)
	opt := DefaultOptions()
	// Warm the plan cache as a running app would be after its first photo.
	if _, err := d.Detect(context.Background(), img, opt); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if _, err := d.Detect(context.Background(), img, opt); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkDetect1920 is every default pass over a 1920×1440 photo.
func BenchmarkDetect1920(b *testing.B) { benchDetect(b, 1920, 1440) }

// BenchmarkDetect12MP is every default pass over a 4000×3000 photo.
func BenchmarkDetect12MP(b *testing.B) { benchDetect(b, 4000, 3000) }

// BenchmarkDetectFacesHard is every default pass over the twelve photos of
// ../shared/fixtures/faces-hard (up to 1919×1198; one op is all twelve).
func BenchmarkDetectFacesHard(b *testing.B) {
	set := loadSet(b, repoShared(b, "fixtures/faces-hard"))
	d, err := New()
	if err != nil {
		b.Fatal(err)
	}
	opt := DefaultOptions()
	for _, im := range set {
		if _, err := d.Detect(context.Background(), im.img, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		for _, im := range set {
			if _, err := d.Detect(context.Background(), im.img, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, start)
}
