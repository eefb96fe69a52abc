package app

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/veil/veil/metadata"
)

// manyFindings is a report as long as a camera photo's.
func manyFindings(tag string, n int) *metadata.Report {
	rep := &metadata.Report{}
	for i := range n {
		rep.Findings = append(rep.Findings, metadata.Finding{
			Category: metadata.Device, Severity: metadata.Low, Where: "EXIF",
			Field: fmt.Sprintf("%s field %d", tag, i), Value: "value"})
	}
	return rep
}

// TestReportFilledInBatches checks that a long report reaches the panel a
// few rows at a time, ends complete, and that a newer report stops an older
// one still filling in.
func TestReportFilledInBatches(t *testing.T) {
	tu := newTestUI(t)
	old, cur := manyFindings("old", 60), manyFindings("new", 30)
	want := len(reportRows(kindPhoto, cur, nil, nil, nil))

	tu.do(func() {
		tu.showReport(kindPhoto, old, nil, nil, nil)
		if n := len(tu.inspectBox.Objects); n != reportBatch {
			t.Errorf("%d rows shown at once, want the first %d", n, reportBatch)
		}
	})
	time.Sleep(reportPause + reportPause/2)
	tu.do(func() { tu.showReport(kindPhoto, cur, nil, nil, nil) })
	tu.wait()

	if n := len(tu.inspectBox.Objects); n != want {
		t.Errorf("%d rows in the panel, want %d", n, want)
	}
	text := renderedText(tu.inspectBox)
	if strings.Contains(text, "old field") {
		t.Error("rows of the older report reached the panel after the newer one")
	}
	if !strings.Contains(text, "new field 29") {
		t.Error("the last row of the report is missing")
	}
}

// TestPulse checks that the busy indicator steps while started, stops when
// stopped, and follows busyStart and busyStop.
func TestPulse(t *testing.T) {
	var mu sync.Mutex
	p := newPulse(func(f func()) { mu.Lock(); defer mu.Unlock(); f() })
	lit := func() int { mu.Lock(); defer mu.Unlock(); return p.lit }
	p.Start()
	p.Start() // a second Start must not start a second ticker
	// Steps come every pulseStep; the minute only ends a wait for one that
	// never comes, however loaded the machine.
	deadline := time.Now().Add(time.Minute)
	for lit() == 0 && time.Now().Before(deadline) {
		time.Sleep(pulseStep / 4)
	}
	if lit() == 0 {
		t.Fatal("the indicator did not move within a minute")
	}
	mu.Lock()
	p.Stop()
	mu.Unlock()
	at := lit()
	time.Sleep(3 * pulseStep)
	if lit() != at || p.running() {
		t.Error("the indicator kept moving after Stop")
	}

	tu := newTestUI(t)
	tu.do(func() {
		tu.busyStart("one")
		tu.busyStart("two")
		tu.busyStop("")
		if !tu.busy.running() {
			t.Error("indicator stopped while a job is still running")
		}
		tu.busyStop("")
		if tu.busy.running() || tu.busy.Visible() {
			t.Error("indicator still shown after the last job")
		}
	})
}
