package app

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// progressEvery is how often a long task's progress reaches the window:
// engines report every megabyte, far more often than anyone can see.
const progressEvery = 100 * time.Millisecond

// taskRow shows one long operation on a video (reading it for its hashes,
// writing its clean copy) with a progress bar and a Cancel button. It is
// hidden while nothing runs.
type taskRow struct {
	u     *ui
	box   *fyne.Container
	label *widget.Label
	bar   *widget.ProgressBar
	stop  *keyButton

	cancel context.CancelFunc
	// id counts Starts: updates posted for an earlier task are dropped.
	id int
}

func (u *ui) newTaskRow() *taskRow {
	t := &taskRow{u: u}
	t.label = widget.NewLabel("")
	t.label.Truncation = fyne.TextTruncateEllipsis
	t.bar = widget.NewProgressBar()
	t.stop = u.button(lang.L("Cancel"), theme.CancelIcon(), t.Cancel)
	t.box = container.NewBorder(nil, nil, nil, container.NewCenter(t.stop), container.NewVBox(t.label, t.bar))
	t.box.Hide()
	return t
}

// Running reports whether a task is under way.
func (t *taskRow) Running() bool { return t.cancel != nil }

// task is one long operation shown in a taskRow.
type task struct {
	// ctx ends when the task is cancelled (its Cancel button, a new file
	// opened, quick exit).
	ctx context.Context
	// progress may be called from any goroutine as often as the engine
	// likes (done of total; total 0 when unknown).
	progress func(done, total int64)
	// say replaces the row's text, from any goroutine.
	say func(text string)
	// end hides the row, on the UI goroutine, unless a newer task has
	// taken it over.
	end func()
}

// Start shows the row for a new task that ends with parent or Cancel,
// cancelling the one before it.
func (t *taskRow) Start(parent context.Context, text string) task {
	t.Cancel()
	ctx, cancel := context.WithCancel(parent)
	t.cancel = cancel
	t.id++
	id := t.id
	t.label.SetText(text)
	t.bar.SetValue(0)
	t.box.Show()
	var last atomic.Int64 // when the last update was posted (Unix ns)
	progress := func(done, total int64) {
		now := time.Now().UnixNano()
		if now-last.Load() < int64(progressEvery) && done != total {
			return
		}
		last.Store(now)
		frac := 0.0
		if total > 0 {
			frac = min(1, float64(done)/float64(total))
		}
		t.u.do(func() {
			if t.id == id {
				t.bar.SetValue(frac)
			}
		})
	}
	end := func() {
		cancel()
		if t.id == id {
			t.cancel = nil
			t.box.Hide()
		}
	}
	say := func(text string) {
		t.u.do(func() {
			if t.id == id {
				t.label.SetText(text)
			}
		})
	}
	return task{ctx: ctx, progress: progress, say: say, end: end}
}

// Cancel stops the task under way, if any; the task's own code then ends
// it and says so.
func (t *taskRow) Cancel() {
	if t.cancel != nil {
		t.cancel()
	}
}
