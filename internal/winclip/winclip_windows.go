package winclip

import (
	"bytes"
	"fmt"
	"image/png"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32   = windows.NewLazySystemDLL("user32.dll")
	kernel32 = windows.NewLazySystemDLL("kernel32.dll")
	shell32  = windows.NewLazySystemDLL("shell32.dll")

	openClipboard              = user32.NewProc("OpenClipboard")
	closeClipboard             = user32.NewProc("CloseClipboard")
	emptyClipboard             = user32.NewProc("EmptyClipboard")
	setClipboardData           = user32.NewProc("SetClipboardData")
	getClipboardData           = user32.NewProc("GetClipboardData")
	isClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	registerClipboardFormat    = user32.NewProc("RegisterClipboardFormatW")
	getClipboardSequenceNumber = user32.NewProc("GetClipboardSequenceNumber")
	enumClipboardFormats       = user32.NewProc("EnumClipboardFormats")
	getClipboardFormatName     = user32.NewProc("GetClipboardFormatNameW")

	globalAlloc  = kernel32.NewProc("GlobalAlloc")
	globalFree   = kernel32.NewProc("GlobalFree")
	globalLock   = kernel32.NewProc("GlobalLock")
	globalUnlock = kernel32.NewProc("GlobalUnlock")
	globalSize   = kernel32.NewProc("GlobalSize")

	dragQueryFile = shell32.NewProc("DragQueryFileW")
)

// Standard clipboard formats.
const (
	cfUnicodeText = 13
	cfHDrop       = 15
	cfDIB         = 8
	cfDIBV5       = 17
	gmemMoveable  = 0x0002
)

// The formats Windows defines for content that must not be kept: any data
// under the first makes clipboard history, the cloud clipboard and
// well-behaved monitors (password managers do this) ignore the whole
// content; the other two, as a DWORD 0, say the same to Windows 10 and 11
// specifically.
// https://learn.microsoft.com/windows/win32/dataxchg/clipboard-formats#cloud-clipboard-and-clipboard-history-formats
const (
	formatExclude       = "ExcludeClipboardContentFromMonitorProcessing"
	formatCanHistory    = "CanIncludeInClipboardHistory"
	formatCanCloud      = "CanUploadToCloudClipboard"
	formatPNG           = "PNG"
	openAttempts        = 20
	openAttemptInterval = 25 * time.Millisecond
)

func register(name string) (uint32, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	r, _, e := registerClipboardFormat.Call(uintptr(unsafe.Pointer(p)))
	if r == 0 {
		return 0, fmt.Errorf("register clipboard format %s: %w", name, e)
	}
	return uint32(r), nil
}

// open opens the clipboard for hwnd (0 to read), retrying while another
// program holds it, and locks the goroutine to its thread until close: the
// clipboard is opened per thread.
func open(hwnd uintptr) (func(), error) {
	runtime.LockOSThread()
	for i := 0; ; i++ {
		r, _, _ := openClipboard.Call(hwnd)
		if r != 0 {
			return func() {
				closeClipboard.Call()
				runtime.UnlockOSThread()
			}, nil
		}
		if i == openAttempts {
			runtime.UnlockOSThread()
			return nil, ErrBusy
		}
		time.Sleep(openAttemptInterval)
	}
}

// Sequence is the clipboard's sequence number, which changes whenever any
// program changes the clipboard.
func Sequence() uint32 {
	r, _, _ := getClipboardSequenceNumber.Call()
	return uint32(r)
}

// memory turns an address of global memory (GlobalLock's result, outside
// Go's heap) into a pointer.
func memory(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// global copies b into a new movable global memory block, as
// SetClipboardData requires.
func global(b []byte) (uintptr, error) {
	h, _, e := globalAlloc.Call(gmemMoveable, uintptr(max(len(b), 1)))
	if h == 0 {
		return 0, fmt.Errorf("GlobalAlloc: %w", e)
	}
	p, _, e := globalLock.Call(h)
	if p == 0 {
		globalFree.Call(h)
		return 0, fmt.Errorf("GlobalLock: %w", e)
	}
	copy(unsafe.Slice((*byte)(memory(p)), len(b)), b)
	globalUnlock.Call(h)
	return h, nil
}

// SetPrivateText replaces the clipboard's content with s (as Unicode text)
// marked to stay out of clipboard history, the cloud clipboard and clipboard
// monitors, all in one opening so no monitor can see the text unmarked. hwnd
// is a window of this process that handles its messages (the clipboard's
// owner). It returns the clipboard's sequence number afterwards, for
// ClearIf.
func SetPrivateText(hwnd uintptr, s string) (uint32, error) {
	text, err := windows.UTF16FromString(s)
	if err != nil {
		return 0, err
	}
	var formats [3]uint32
	for i, name := range []string{formatExclude, formatCanHistory, formatCanCloud} {
		if formats[i], err = register(name); err != nil {
			return 0, err
		}
	}
	textBytes := unsafe.Slice((*byte)(unsafe.Pointer(&text[0])), 2*len(text))
	zero := []byte{0, 0, 0, 0} // DWORD 0; the marks go on before the text
	closeFn, err := open(hwnd)
	if err != nil {
		return 0, err
	}
	err = setAll(append(formats[:], cfUnicodeText), [][]byte{zero, zero, zero, textBytes})
	closeFn()
	if err != nil {
		return 0, err
	}
	// Read after closing: the number may change until then.
	return Sequence(), nil
}

// setAll empties the open clipboard and puts data[i] under formats[i], in
// that order.
func setAll(formats []uint32, data [][]byte) error {
	if r, _, e := emptyClipboard.Call(); r == 0 {
		return fmt.Errorf("EmptyClipboard: %w", e)
	}
	for i, f := range formats {
		h, err := global(data[i])
		if err != nil {
			return err
		}
		// On success the system owns the memory.
		if r, _, e := setClipboardData.Call(uintptr(f), h); r == 0 {
			globalFree.Call(h)
			return fmt.Errorf("SetClipboardData: %w", e)
		}
	}
	return nil
}

// Clear empties the clipboard.
func Clear(hwnd uintptr) error {
	closeFn, err := open(hwnd)
	if err != nil {
		return err
	}
	defer closeFn()
	if r, _, e := emptyClipboard.Call(); r == 0 {
		return fmt.Errorf("EmptyClipboard: %w", e)
	}
	return nil
}

// ClearIf empties the clipboard only when its sequence number is still seq,
// that is when nothing was copied since SetPrivateText returned seq. It
// reports whether it emptied it.
func ClearIf(hwnd uintptr, seq uint32) (bool, error) {
	if Sequence() != seq {
		return false, nil
	}
	closeFn, err := open(hwnd)
	if err != nil {
		return false, err
	}
	defer closeFn()
	if Sequence() != seq {
		return false, nil
	}
	if r, _, e := emptyClipboard.Call(); r == 0 {
		return false, fmt.Errorf("EmptyClipboard: %w", e)
	}
	return true, nil
}

// data returns a copy of the clipboard's data in format, or nil when it has
// none; the clipboard must be open. limit bounds the size (0: none).
func data(format uint32, limit int) ([]byte, error) {
	if r, _, _ := isClipboardFormatAvailable.Call(uintptr(format)); r == 0 {
		return nil, nil
	}
	h, _, e := getClipboardData.Call(uintptr(format))
	if h == 0 {
		return nil, fmt.Errorf("GetClipboardData: %w", e)
	}
	n, _, _ := globalSize.Call(h)
	if limit > 0 && int(n) > limit {
		return nil, ErrTooLarge
	}
	p, _, e := globalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("GlobalLock: %w", e)
	}
	defer globalUnlock.Call(h)
	return bytes.Clone(unsafe.Slice((*byte)(memory(p)), int(n))), nil
}

// Text returns the clipboard's Unicode text ("" when it has none).
func Text() (string, error) {
	closeFn, err := open(0)
	if err != nil {
		return "", err
	}
	defer closeFn()
	b, err := data(cfUnicodeText, 0)
	if err != nil || len(b) < 2 {
		return "", err
	}
	u := unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2)
	return windows.UTF16ToString(u), nil
}

// Files returns the files copied in Explorer (CF_HDROP), in their order.
func Files() ([]string, error) {
	closeFn, err := open(0)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if r, _, _ := isClipboardFormatAvailable.Call(cfHDrop); r == 0 {
		return nil, ErrNoFiles
	}
	h, _, e := getClipboardData.Call(cfHDrop)
	if h == 0 {
		return nil, fmt.Errorf("GetClipboardData: %w", e)
	}
	n, _, _ := dragQueryFile.Call(h, 0xFFFFFFFF, 0, 0)
	var files []string
	for i := uintptr(0); i < n; i++ {
		size, _, _ := dragQueryFile.Call(h, i, 0, 0)
		buf := make([]uint16, size+1)
		if r, _, _ := dragQueryFile.Call(h, i, uintptr(unsafe.Pointer(&buf[0])), size+1); r == 0 {
			continue
		}
		files = append(files, windows.UTF16ToString(buf))
	}
	if len(files) == 0 {
		return nil, ErrNoFiles
	}
	return files, nil
}

// Image returns the picture on the clipboard as PNG bytes: the "PNG" format
// browsers and many programs offer, or else the device-independent bitmap
// every Windows picture copy has (CF_DIBV5, CF_DIB), converted. limit
// bounds the bytes read and the pixels of a bitmap (4 bytes each).
func Image(limit int) ([]byte, error) {
	pngFormat, err := register(formatPNG)
	if err != nil {
		return nil, err
	}
	closeFn, err := open(0)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if r, _, _ := enumClipboardFormats.Call(0); r == 0 {
		return nil, ErrEmpty
	}
	if b, err := data(pngFormat, limit); err != nil || b != nil {
		return b, err
	}
	for _, f := range []uint32{cfDIBV5, cfDIB} {
		b, err := data(f, limit)
		if err != nil {
			return nil, err
		}
		if b == nil {
			continue
		}
		img, err := DecodeDIB(b, limit/4)
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	return nil, ErrNoImage
}

// Formats lists the names of the formats on the clipboard (for tests and
// diagnosis): registered ones by name, standard ones by number.
func Formats() ([]string, error) {
	closeFn, err := open(0)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	var names []string
	var f uintptr
	for {
		f, _, _ = enumClipboardFormats.Call(f)
		if f == 0 {
			return names, nil
		}
		buf := make([]uint16, 256)
		n, _, _ := getClipboardFormatName.Call(f, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if n > 0 {
			names = append(names, windows.UTF16ToString(buf[:n]))
		} else {
			names = append(names, fmt.Sprint(f))
		}
	}
}

// FormatData returns a copy of the data in the registered format name (for
// tests: the DWORDs of the privacy formats).
func FormatData(name string) ([]byte, error) {
	f, err := register(name)
	if err != nil {
		return nil, err
	}
	closeFn, err := open(0)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	return data(f, 0)
}
