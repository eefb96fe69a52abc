package winclip

import "errors"

var (
	// ErrEmpty: the clipboard holds nothing.
	ErrEmpty = errors.New("the clipboard is empty")
	// ErrNoImage: the clipboard holds no picture (text only, say).
	ErrNoImage = errors.New("the clipboard holds no picture")
	// ErrNoFiles: the clipboard holds no copied files.
	ErrNoFiles = errors.New("the clipboard holds no files")
	// ErrTooLarge: the picture on the clipboard is larger than allowed.
	ErrTooLarge = errors.New("the picture on the clipboard is too large")
	// ErrBusy: another program kept the clipboard open.
	ErrBusy = errors.New("another program is using the clipboard")
)
