package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/sys/windows"
)

// systemPlaces is the file browser's side bar on Windows: the user's
// folders where Windows says they are (moved by the user or by IT, into
// OneDrive say), then every drive as Explorer names it.
func (u *ui) systemPlaces() []place {
	var ps []place
	ps = addPlace(ps, placeHome, lang.L("Home"), homeDir(), theme.HomeIcon())
	for _, f := range []struct {
		kind  placeKind
		id    *windows.KNOWNFOLDERID
		label string
		icon  fyne.Resource
	}{
		{placeDesktop, windows.FOLDERID_Desktop, lang.L("Desktop"), theme.DesktopIcon()},
		{placeDocuments, windows.FOLDERID_Documents, lang.L("Documents"), theme.DocumentIcon()},
		{placePictures, windows.FOLDERID_Pictures, lang.L("Pictures"), theme.FileImageIcon()},
		{placeDownloads, windows.FOLDERID_Downloads, lang.L("Downloads"), theme.DownloadIcon()},
	} {
		// KF_FLAG_DONT_VERIFY: never create a missing folder just to list it.
		if p, err := windows.KnownFolderPath(f.id, windows.KF_FLAG_DONT_VERIFY); err == nil {
			ps = addPlace(ps, f.kind, f.label, p, f.icon)
		}
	}
	return append(ps, drivePlaces()...)
}

// drivePlaces lists the drives (C:\, D:\, ...) with Explorer's kind of
// name. Network drives are listed without looking at them: a drive whose
// server is gone can take a minute to answer.
func drivePlaces() []place {
	var buf [512]uint16
	n, err := windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0])
	if err != nil || n == 0 || int(n) > len(buf) {
		return nil
	}
	var ps []place
	for _, root := range splitMulti(buf[:n]) {
		letter := root[:2] // "C:"
		p, _ := windows.UTF16PtrFromString(root)
		switch windows.GetDriveType(p) {
		case windows.DRIVE_FIXED:
			ps = addPlace(ps, placeDrive, fmt.Sprintf(lang.L("Local disk (%s)"), letter), root, theme.StorageIcon())
		case windows.DRIVE_REMOVABLE:
			ps = addPlace(ps, placeDrive, fmt.Sprintf(lang.L("Removable disk (%s)"), letter), root, theme.StorageIcon())
		case windows.DRIVE_CDROM:
			ps = addPlace(ps, placeDrive, fmt.Sprintf(lang.L("CD or DVD drive (%s)"), letter), root, theme.StorageIcon())
		case windows.DRIVE_REMOTE:
			ps = append(ps, place{Kind: placeDrive, Label: fmt.Sprintf(lang.L("Network drive (%s)"), letter), Path: root, Icon: theme.ComputerIcon()})
		}
	}
	return ps
}

// splitMulti splits a list of NUL-terminated UTF-16 strings.
func splitMulti(b []uint16) []string {
	var out []string
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != 0 {
			i++
		}
		if i > 0 {
			out = append(out, windows.UTF16ToString(b[:i]))
		}
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return out
}
