package app

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"codeberg.org/veil/veil/metadata"
)

// The metadata engine names what it finds in English, because its command
// line and JSON output are read by tools and by people who search those
// words. The "What it reveals" panel shows them in the user's language from
// translations/findings.*.json, kept apart from the interface text so the
// two lists do not collide. The English files are the catalogues: a label
// they do not list is shown as the engine wrote it, which is what happens
// to names a file chose itself (an XMP property, a PNG keyword).
//
// One catalogue holds field names and removal phrases, the other the
// engine's own wording inside values ("12.5 m above sea level"): values are
// looked up apart so that a file's data ("Software" as the text of a
// keyword) is never mistaken for a label.
const (
	findingsCatalogue = "translations/findings.en.json"
	valuesCatalogue   = "translations/findings.values.en.json"
)

// countSuffix is the " (3)" the engine appends to a removal it made three times.
var countSuffix = regexp.MustCompile(`^(.+) \((\d+)\)$`)

// findingLabels are the catalogue's plain labels and its templates (labels
// with a variable part, such as a tag name, written as %s).
type findingLabels struct {
	exact     map[string]bool
	templates []findingTemplate
}

// findingTemplate is one catalogue label with a %s in it.
type findingTemplate struct {
	key string
	re  *regexp.Regexp
	// fixed counts the characters outside %s: when several templates match,
	// the most specific one says the most.
	fixed int
}

var (
	labels      = sync.OnceValue(func() findingLabels { return loadFindingLabels(findingsCatalogue) })
	valueLabels = sync.OnceValue(func() findingLabels { return loadFindingLabels(valuesCatalogue) })
)

// loadFindingLabels reads a catalogue; without one, everything is shown in
// English.
func loadFindingLabels(name string) findingLabels {
	b, err := translations.ReadFile(name)
	if err == nil {
		var l findingLabels
		if l, err = parseFindingLabels(b); err == nil {
			return l
		}
	}
	fyne.LogError("findings translations", err)
	return findingLabels{}
}

// parseFindingLabels reads a findings file's keys. A value is a string or,
// for a key the translation library reserves (such as "Description"), an
// object {"other": "..."}.
func parseFindingLabels(b []byte) (findingLabels, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return findingLabels{}, fmt.Errorf("findings catalogue: %w", err)
	}
	l := findingLabels{exact: map[string]bool{}}
	for k := range m {
		if !strings.Contains(k, "%s") {
			l.exact[k] = true
			continue
		}
		pat := "^" + strings.ReplaceAll(regexp.QuoteMeta(k), "%s", "(.+?)") + "$"
		l.templates = append(l.templates, findingTemplate{key: k, re: regexp.MustCompile(pat), fixed: len(strings.ReplaceAll(k, "%s", ""))})
	}
	sort.Slice(l.templates, func(i, j int) bool {
		a, b := l.templates[i], l.templates[j]
		if a.fixed != b.fixed {
			return a.fixed > b.fixed
		}
		return a.key < b.key
	})
	return l, nil
}

// translate returns s in the user's language and whether the catalogue knew
// it. A template's variable parts are translated in turn when they are
// labels themselves ("EXIF serial number" is "EXIF %s" of "serial number");
// depth bounds that.
func (l findingLabels) translate(s string, depth int) (string, bool) {
	if l.exact[s] {
		return lang.L(s), true
	}
	if depth <= 0 {
		return s, false
	}
	for _, t := range l.templates {
		m := t.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, a := range m[1:] {
			args[i], _ = l.translate(a, depth-1)
		}
		return fmt.Sprintf(lang.L(t.key), args...), true
	}
	return s, false
}

// fieldName is a finding's field in the user's language ("GPS position"
// becomes 拍摄地点 in Chinese); a name the file chose itself stays as it is.
func fieldName(s string) string {
	t, _ := labels().translate(s, 2)
	return t
}

// valueText is a finding's value with the engine's own wording in the
// user's language; the data inside it (a size, a name, a date) stays as is.
func valueText(s string) string {
	t, _ := valueLabels().translate(s, 2)
	return t
}

// removedPhrase is one entry of a clean copy's "removes" list in the user's
// language, keeping the engine's repeat count. Each entry is a bullet of its
// own, so it starts with a capital ("comment" next to "XMP packet").
func removedPhrase(s string) string {
	// The count first: a template's variable part would swallow it.
	if m := countSuffix.FindStringSubmatch(s); m != nil {
		s = fieldName(m[1]) + " (" + m[2] + ")"
	} else {
		s = fieldName(s)
	}
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// severityName is a severity's word in the user's language.
func severityName(s metadata.Severity) string {
	t, _ := labels().translate(s.String(), 0)
	return t
}
