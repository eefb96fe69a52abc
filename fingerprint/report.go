package fingerprint

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/veil/veil/fingerprint/pdq"
)

// ReportOptions shape a hash report.
type ReportOptions struct {
	// WithNames includes file names and paths, which are left out by default
	// because a name can itself identify a person.
	WithNames bool
	// Created is the date printed in the report (its time zone is kept).
	Created time.Time
}

// Plain-words notes shared by the report formats.
const (
	noteOriginal = "These hashes were computed on this computer from the original files, before any cleaning or redaction. A cleaned, redacted, cropped or re-saved copy has different bytes and pixels, so its hashes will not match: hash every version that was shared."
	noteShared   = "Nothing else was created or sent: this report holds no image and no file contents, only hashes, sizes and quality scores. A hash cannot be turned back into the picture exactly, but a perceptual hash (PDQ) reveals something about it and can help find it: keep this report as private as the pictures themselves."
	noteUse      = "Services such as StopNCII.org (adults) and Take It Down (pictures taken under 18) match pictures by PDQ and videos by MD5. A PDQ quality below 50 means services will probably discard the hash."
	noteVPDQ     = "vPDQ is Meta's video hash: the PDQ hash of each frame (or one a second), with its quality and time, as \"hash,quality,seconds\". It is for organisations and platforms that match videos with Meta's tools; StopNCII.org and Take It Down take the MD5."
)

// notes returns the plain-words notes a report of these results needs.
func notes(results []Result) []string {
	n := []string{noteOriginal, noteShared, noteUse}
	video, vpdq := false, false
	for _, r := range results {
		video = video || r.Kind == KindVideo
		vpdq = vpdq || r.VPDQ != nil
	}
	if video {
		n = append(n, VideoNote)
	}
	if vpdq {
		n = append(n, noteVPDQ)
	}
	return n
}

// reportResult is a result as written in a report: without its name unless
// asked for.
func reportResult(r Result, opt ReportOptions) Result {
	if !opt.WithNames {
		r.File = ""
		r.Error = stripName(r.Error, r)
	}
	return r
}

// stripName removes the file's path from a message, in case a decoder
// quoted it.
func stripName(msg string, r Result) string {
	if r.File == "" || msg == "" {
		return msg
	}
	return strings.ReplaceAll(msg, r.File, "(file)")
}

// jsonReport is the layout of a JSON report.
type jsonReport struct {
	Created string   `json:"created"`
	Notes   []string `json:"notes"`
	Files   []Result `json:"files"`
}

// WriteJSON writes the results as one indented JSON document with the date
// and the notes that explain what the hashes are.
func WriteJSON(w io.Writer, results []Result, opt ReportOptions) error {
	rep := jsonReport{Created: opt.Created.Format(time.RFC3339), Notes: notes(results), Files: make([]Result, len(results))}
	for i, r := range results {
		rep.Files[i] = reportResult(r, opt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteCSV writes one row per file, with a header row. Cells that a
// spreadsheet would run as a formula are prefixed with an apostrophe.
func WriteCSV(w io.Writer, results []Result, opt ReportOptions) error {
	cw := csv.NewWriter(w)
	head := []string{"kind", "size", "sha256", "md5", "pdq", "pdq_quality", "pdq_verdict", "pdq_upright", "pdq_dihedral", "warnings", "error",
		"label", "vpdq_frames", "vpdq_usable", "vpdq"}
	if opt.WithNames {
		head = append([]string{"file"}, head...)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range results {
		r = reportResult(r, opt)
		q := ""
		if r.PDQ != "" {
			q = strconv.Itoa(r.PDQQuality)
		}
		row := []string{r.Kind, strconv.FormatInt(r.Size, 10), r.SHA256, r.MD5, r.PDQ, q, verdict(r), r.PDQUpright,
			strings.Join(r.PDQDihedral, " "), strings.Join(r.Warnings, " "), r.Error, r.Label}
		row = append(row, csvVPDQ(r.VPDQ)...)
		if opt.WithNames {
			row = append([]string{r.File}, row...)
		}
		for i := range row {
			row[i] = cellSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// maxCell is the most text a spreadsheet keeps in a cell (Excel's limit);
// longer cells are cut there without a word.
const maxCell = 32767

// csvVPDQ gives the vPDQ columns: the frame count, the usable count, and
// the frames separated by spaces, or, when they would not fit in a cell,
// where to find them.
func csvVPDQ(v *VideoPDQ) []string {
	if v == nil {
		return []string{"", "", ""}
	}
	list := strings.Join(v.Frames, " ")
	if len(list) > maxCell {
		list = fmt.Sprintf("%d frame hashes, too many for a spreadsheet cell: see the JSON report", len(v.Frames))
	}
	return []string{strconv.Itoa(len(v.Frames)), strconv.Itoa(v.Usable), list}
}

// cellSafe defuses text a spreadsheet would take for a formula.
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// verdict says in a few words how usable the file's hashes are.
func verdict(r Result) string {
	switch {
	case r.Error != "" && r.MD5 == "":
		return "not hashed"
	case r.Kind == KindVideo && r.VPDQ != nil:
		return "video: MD5, SHA-256 and vPDQ"
	case r.Kind == KindVideo:
		return "video: MD5 and SHA-256"
	case r.Error != "":
		return "no PDQ: MD5 and SHA-256 only"
	case r.PDQQuality < pdq.MinQuality:
		return fmt.Sprintf("low quality (%d): may be discarded", r.PDQQuality)
	}
	return "good"
}
