package app

import (
	"slices"

	"codeberg.org/veil/veil/redact"
)

// region is one area to redact, in upright full-resolution pixels, as the
// redaction engine takes it, plus where it came from.
type region struct {
	redact.Region
	// Found is true for a region proposed by the face detector.
	Found bool
}

// engineRegions converts the editor's list for the redaction engine.
func engineRegions(rs []region) []redact.Region {
	out := make([]redact.Region, len(rs))
	for i, r := range rs {
		out[i] = r.Region
	}
	return out
}

// history keeps the region list with undo and redo. Every edit stores a
// snapshot; lists are short (tens of regions) so copies are cheap and simple.
type history struct {
	cur        []region
	undo, redo [][]region
}

// Regions returns the current list (do not modify it; use Set).
func (h *history) Regions() []region { return h.cur }

// Set records a new list as one undoable step.
func (h *history) Set(rs []region) {
	h.undo = append(h.undo, h.cur)
	h.cur = slices.Clone(rs)
	h.redo = nil
}

// Replace changes the list without an undo step (used while a drag is in
// progress: the whole drag becomes one step through Begin/Set).
func (h *history) Replace(rs []region) { h.cur = slices.Clone(rs) }

// Undo restores the previous list and reports whether there was one.
func (h *history) Undo() bool {
	if len(h.undo) == 0 {
		return false
	}
	h.redo = append(h.redo, h.cur)
	h.cur = h.undo[len(h.undo)-1]
	h.undo = h.undo[:len(h.undo)-1]
	return true
}

// Redo re-applies the last undone list and reports whether there was one.
func (h *history) Redo() bool {
	if len(h.redo) == 0 {
		return false
	}
	h.undo = append(h.undo, h.cur)
	h.cur = h.redo[len(h.redo)-1]
	h.redo = h.redo[:len(h.redo)-1]
	return true
}

// Reset starts a new history (a new photo).
func (h *history) Reset(rs []region) { *h = history{cur: slices.Clone(rs)} }

// CanUndo and CanRedo enable the buttons.
func (h *history) CanUndo() bool { return len(h.undo) > 0 }

// CanRedo reports whether Redo would do anything.
func (h *history) CanRedo() bool { return len(h.redo) > 0 }
