package winclip

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// testWindow makes a message-only window to own the clipboard, on this
// goroutine's thread (locked for the test).
func testWindow(t *testing.T) uintptr {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	class, _ := windows.UTF16PtrFromString("STATIC")
	const hwndMessage = ^uintptr(2) // (HWND)-3
	h, _, err := user32.NewProc("CreateWindowExW").Call(0, uintptr(unsafe.Pointer(class)), 0, 0, 0, 0, 0, 0, hwndMessage, 0, 0, 0)
	if h == 0 {
		t.Fatalf("CreateWindowEx: %v", err)
	}
	t.Cleanup(func() { user32.NewProc("DestroyWindow").Call(h) })
	return h
}

// put replaces the clipboard with data under the named or numbered formats.
func put(t *testing.T, hwnd uintptr, formats []uint32, data [][]byte) {
	t.Helper()
	closeFn, err := open(hwnd)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if err := setAll(formats, data); err != nil {
		t.Fatal(err)
	}
}

func TestPrivateText(t *testing.T) {
	hwnd := testWindow(t)
	const hash = "c99d63676f95aaacb5856cbfdab2617dbe2ba998efff5aafb548b3519f28e1d2 — ü"
	seq, err := SetPrivateText(hwnd, hash)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Text(); err != nil || got != hash {
		t.Fatalf("Text() = %q, %v", got, err)
	}
	names, err := Formats()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{formatExclude, formatCanHistory, formatCanCloud, "13"} {
		if !slices.Contains(names, want) {
			t.Errorf("formats %v lack %s", names, want)
		}
	}
	for _, f := range []string{formatCanHistory, formatCanCloud} {
		b, err := FormatData(f)
		if err != nil || len(b) < 4 || binary.LittleEndian.Uint32(b) != 0 {
			t.Errorf("%s = %v, %v; want a DWORD 0", f, b, err)
		}
	}
	// Still ours: ClearIf empties it.
	if ok, err := ClearIf(hwnd, seq); !ok || err != nil {
		t.Fatalf("ClearIf(own content) = %v, %v", ok, err)
	}
	if got, _ := Text(); got != "" {
		t.Fatalf("after ClearIf the clipboard holds %q", got)
	}
	// Someone copied something since: ClearIf leaves it.
	seq, err = SetPrivateText(hwnd, "one")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := windows.UTF16FromString("copied elsewhere")
	put(t, hwnd, []uint32{cfUnicodeText}, [][]byte{unsafe.Slice((*byte)(unsafe.Pointer(&text[0])), 2*len(text))})
	if ok, err := ClearIf(hwnd, seq); ok || err != nil {
		t.Fatalf("ClearIf(someone else's content) = %v, %v", ok, err)
	}
	if got, _ := Text(); got != "copied elsewhere" {
		t.Fatalf("the user's own copy was lost: %q", got)
	}
	if err := Clear(hwnd); err != nil {
		t.Fatal(err)
	}
	if _, err := Image(1 << 20); err != ErrEmpty {
		t.Errorf("Image of an empty clipboard: %v", err)
	}
}

func TestImageFromClipboard(t *testing.T) {
	hwnd := testWindow(t)
	pic := image.NewNRGBA(image.Rect(0, 0, 7, 5))
	for i := range pic.Pix {
		pic.Pix[i] = uint8(i*37) | 1
	}
	for y := 0; y < 5; y++ {
		for x := 0; x < 7; x++ {
			pic.Pix[pic.PixOffset(x, y)+3] = 255
		}
	}
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, pic)
	pngFormat, err := register(formatPNG)
	if err != nil {
		t.Fatal(err)
	}
	bgr := func(x, y int) []byte { c := pic.NRGBAAt(x, y); return []byte{c.B, c.G, c.R, 0} }

	// PNG as browsers put it, with a DIB beside it: the PNG wins, unchanged.
	put(t, hwnd, []uint32{pngFormat, cfDIB}, [][]byte{pngBytes.Bytes(), dib(7, 5, 40, 32, 0, nil, bgr)})
	got, err := Image(1 << 20)
	if err != nil || !bytes.Equal(got, pngBytes.Bytes()) {
		t.Fatalf("PNG on the clipboard: %d bytes, %v", len(got), err)
	}
	// A bitmap only (a screenshot, Paint): converted to PNG, same pixels.
	for _, f := range []uint32{cfDIB, cfDIBV5} {
		b := dib(7, 5, 40, 32, 0, nil, bgr)
		if f == cfDIBV5 {
			b = dib(7, 5, 124, 32, 3, []uint32{0xff0000, 0xff00, 0xff, 0}, bgr)
		}
		put(t, hwnd, []uint32{f}, [][]byte{b})
		got, err := Image(1 << 20)
		if err != nil {
			t.Fatalf("format %d: %v", f, err)
		}
		img, err := png.Decode(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < 5; y++ {
			for x := 0; x < 7; x++ {
				if c := color.NRGBAModel.Convert(img.At(x, y)); c != pic.NRGBAAt(x, y) {
					t.Fatalf("format %d (%d,%d): %v, want %v", f, x, y, c, pic.NRGBAAt(x, y))
				}
			}
		}
	}
	if _, err := Image(100); err != ErrTooLarge {
		t.Errorf("35 pixels over 25: %v", err)
	}
	put(t, hwnd, []uint32{cfUnicodeText}, [][]byte{{'h', 0, 'i', 0, 0, 0}})
	if _, err := Image(1 << 20); err != ErrNoImage {
		t.Errorf("text only: %v", err)
	}
}

func TestFilesFromClipboard(t *testing.T) {
	hwnd := testWindow(t)
	files := []string{`C:\Users\Ann\Pictures\IMG_0001.JPG`, `D:\Fotos\Mädchen.png`}
	// DROPFILES: offset of the list, a point, fNC, fWide; then the names,
	// each NUL-terminated, and a final NUL (UTF-16).
	b := binary.LittleEndian.AppendUint32(nil, 20)
	b = append(b, make([]byte, 12)...)
	b = binary.LittleEndian.AppendUint32(b, 1)
	for _, f := range files {
		u, _ := windows.UTF16FromString(f)
		for _, c := range u {
			b = binary.LittleEndian.AppendUint16(b, c)
		}
	}
	b = append(b, 0, 0)
	put(t, hwnd, []uint32{cfHDrop}, [][]byte{b})
	got, err := Files()
	if err != nil || !slices.Equal(got, files) {
		t.Fatalf("Files() = %q, %v", got, err)
	}
	if err := Clear(hwnd); err != nil {
		t.Fatal(err)
	}
	if _, err := Files(); err != ErrNoFiles {
		t.Errorf("empty clipboard: %v", err)
	}
}
