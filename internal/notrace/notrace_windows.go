package notrace

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// exitSignals are what Go delivers on Windows when the process is asked to
// end from a console (Ctrl+C, closing the console, logoff, shutdown). A
// windowed program hears of logoff and shutdown through its windows
// instead: see watchEndSession.
var exitSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// redirects are the variables Start points into the private folder dir:
// where Go (os.UserConfigDir, os.UserCacheDir, os.TempDir) and so Fyne, its
// preferences and go-text's font index would otherwise write, in the user's
// profile (%APPDATA%, %LOCALAPPDATA%, %TEMP%).
func redirects(dir string) [][2]string {
	return [][2]string{
		{"APPDATA", filepath.Join(dir, "config")},
		{"LOCALAPPDATA", filepath.Join(dir, "cache")},
		{"TEMP", filepath.Join(dir, "temp")},
		{"TMP", filepath.Join(dir, "temp")},
	}
}

// stillActive is GetExitCodeProcess's answer for a running process.
const stillActive = 259

// processAlive reports whether process pid still runs. A process that
// exists but may not be opened (another user's) counts as running.
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return err == windows.ERROR_ACCESS_DENIED
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) != nil || code == stillActive
}

// ownedByUs reports whether the folder at path belongs to this process's
// user: its owner is the user or the default owner of the user's new files
// (the Administrators group, for an elevated administrator).
func ownedByUs(path string, _ os.FileInfo) bool {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return false
	}
	owner, _, err := sd.Owner()
	if err != nil || owner == nil {
		return false
	}
	tok := windows.GetCurrentProcessToken()
	if u, err := tok.GetTokenUser(); err == nil && owner.Equals(u.User.Sid) {
		return true
	}
	if o, err := tokenOwner(tok); err == nil && owner.Equals(o) {
		return true
	}
	return false
}

// tokenOwner is the token's default owner of new objects.
func tokenOwner(tok windows.Token) (*windows.SID, error) {
	var n uint32
	windows.GetTokenInformation(tok, windows.TokenOwner, nil, 0, &n)
	if n == 0 {
		return nil, windows.ERROR_INSUFFICIENT_BUFFER
	}
	buf := make([]byte, n)
	if err := windows.GetTokenInformation(tok, windows.TokenOwner, &buf[0], n, &n); err != nil {
		return nil, err
	}
	// TOKEN_OWNER: one pointer to the SID, which follows in buf.
	type tokenOwnerInfo struct{ Owner *windows.SID }
	return (*tokenOwnerInfo)(unsafe.Pointer(&buf[0])).Owner.Copy()
}

var (
	user32          = windows.NewLazySystemDLL("user32.dll")
	registerClassEx = user32.NewProc("RegisterClassExW")
	createWindowEx  = user32.NewProc("CreateWindowExW")
	defWindowProc   = user32.NewProc("DefWindowProcW")
	getMessage      = user32.NewProc("GetMessageW")
	dispatchMessage = user32.NewProc("DispatchMessageW")
	postMessage     = user32.NewProc("PostMessageW")
	postQuitMessage = user32.NewProc("PostQuitMessage")
)

const (
	wmDestroy         = 0x0002
	wmClose           = 0x0010
	wmQueryEndSession = 0x0011
	wmEndSession      = 0x0016
)

type wndClassEx struct {
	size, style                        uint32
	wndProc                            uintptr
	clsExtra, wndExtra                 int32
	instance, icon, cursor, background uintptr
	menuName, className                *uint16
	iconSm                             uintptr
}

type msg struct {
	hwnd           uintptr
	message        uint32
	wParam, lParam uintptr
	time           uint32
	x, y           int32
	private        uint32
}

// watchEndSession removes the private folder and calls quit when Windows
// ends the session (logoff, shutdown, restart). Windows tells every
// top-level window (WM_ENDSESSION) and may end the process as soon as the
// message is answered, so the folder is removed before answering. A hidden
// top-level window of its own, on a thread of its own, listens until stop.
// It returns the window (0 if none could be made), for tests.
func (n *Session) watchEndSession(quit func()) uintptr {
	ready := make(chan uintptr, 1)
	go func() {
		runtime.LockOSThread() // a window belongs to its thread
		defer runtime.UnlockOSThread()
		name, _ := windows.UTF16PtrFromString("VeilEndSession")
		proc := windows.NewCallback(func(hwnd, m, w, l uintptr) uintptr {
			switch m {
			case wmQueryEndSession:
				return 1 // nothing to save: never hold the session up
			case wmEndSession:
				if w != 0 {
					n.Remove()
					quit()
				}
				return 0
			case wmDestroy:
				postQuitMessage.Call(0)
				return 0
			}
			r, _, _ := defWindowProc.Call(hwnd, m, w, l)
			return r
		})
		wc := wndClassEx{wndProc: proc, className: name}
		wc.size = uint32(unsafe.Sizeof(wc))
		registerClassEx.Call(uintptr(unsafe.Pointer(&wc)))
		// Not a message-only window: those do not receive WM_ENDSESSION.
		hwnd, _, _ := createWindowEx.Call(0, uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(name)), 0, 0, 0, 0, 0, 0, 0, 0, 0)
		ready <- hwnd
		if hwnd == 0 {
			return
		}
		var m msg
		for {
			r, _, _ := getMessage.Call(uintptr(unsafe.Pointer(&m)), 0, 0, 0)
			if r == 0 || r == ^uintptr(0) {
				return
			}
			dispatchMessage.Call(uintptr(unsafe.Pointer(&m)))
		}
	}()
	hwnd := <-ready
	if hwnd != 0 {
		go func() {
			<-n.stop
			postMessage.Call(hwnd, wmClose, 0, 0)
		}()
	}
	return hwnd
}
