package xclip

import "errors"

// Errors from ReadImage.
var (
	ErrNoDisplay = errors.New("no X display to read the clipboard from")
	ErrEmpty     = errors.New("the clipboard is empty")
	ErrNoImage   = errors.New("the clipboard holds no picture")
	ErrTimeout   = errors.New("the program that owns the clipboard did not answer")
	ErrTooLarge  = errors.New("the picture on the clipboard is too large")
	ErrFailed    = errors.New("reading the clipboard failed")
)
