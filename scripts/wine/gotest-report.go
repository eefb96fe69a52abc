//go:build ignore

// gotest-report reads "go test -json" output of Veil's Windows tests run
// under wine and the list of what is known to fail there only because of
// wine (known-failures.txt). It prints every package's result and every
// failing test with its messages, labels the wine-only ones with their
// reason, and exits 1 when anything else failed, or when a test listed as
// failing passed (the list must stay true).
//
// known-failures.txt holds tab-separated lines (# starts a comment):
//
//	message	REGEXP	REASON   a failure message wine causes, wherever it appears
//	log	REGEXP	REASON   a line a test logs when it passes (a figure), not a failure
//	test	PKG.TestName	REASON   a whole test wine makes fail (PKG is the path under the module)
//	package	PKG	REASON   a test binary wine makes fail outside any test
//
// A failing test is wine-only when each of its messages matches a message
// line (log lines aside), or when it is listed as a test.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

const module = "codeberg.org/veil/veil/"

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type rule struct {
	kind, what string
	re         *regexp.Regexp
	reason     string
	used       bool
}

// message heads look like "    name_test.go:12: text" (or testing.go's own).
var head = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run gotest-report.go RESULTS.json known-failures.txt")
		os.Exit(2)
	}
	rules := readRules(os.Args[2])

	f, err := os.Open(os.Args[1])
	if err != nil {
		fatal(err)
	}
	type result struct {
		action string
		output []string
	}
	tests := map[string]*result{} // "pkg TestName" (top level; subtests folded in)
	pkgs := map[string]*result{}
	get := func(m map[string]*result, k string) *result {
		if m[k] == nil {
			m[k] = &result{}
		}
		return m[k]
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		pkg := strings.TrimPrefix(e.Package, module)
		if pkg == "" {
			continue
		}
		top, _, sub := strings.Cut(e.Test, "/")
		r := get(pkgs, pkg)
		if e.Test != "" {
			r = get(tests, pkg+" "+top)
		}
		switch e.Action {
		case "output":
			r.output = append(r.output, strings.TrimRight(e.Output, "\n"))
		case "pass", "fail", "skip":
			if !sub {
				r.action = e.Action
			}
		}
	}

	var names []string
	for k := range tests {
		names = append(names, k)
	}
	sort.Strings(names)
	var pkgNames []string
	for k := range pkgs {
		pkgNames = append(pkgNames, k)
	}
	sort.Strings(pkgNames)

	count := map[string]int{}
	unexpected, wineOnly := 0, 0
	var legend []string
	ref := func(reason string) string {
		for i, r := range legend {
			if r == reason {
				return fmt.Sprintf("[%d]", i+1)
			}
		}
		legend = append(legend, reason)
		return fmt.Sprintf("[%d]", len(legend))
	}
	fmt.Println("go test under wine:")
	for _, p := range pkgNames {
		n := map[string]int{}
		for _, k := range names {
			if strings.HasPrefix(k, p+" ") {
				n[tests[k].action]++
			}
		}
		fmt.Printf("  %-4s %-36s %3d passed, %2d skipped, %2d failed\n", pkgs[p].action, p, n["pass"], n["skip"], n["fail"])
		if pkgs[p].action == "fail" && n["fail"] == 0 {
			if r := find(rules, "package", p); r != nil {
				wineOnly++
				fmt.Printf("       WINE ONLY: the test binary failed outside its tests %s\n", ref(r.reason))
			} else {
				unexpected++
				fmt.Printf("       FAIL outside any test:\n%s", lines(pkgs[p].output, "         "))
			}
		}
	}
	fmt.Println()
	for _, k := range names {
		r := tests[k]
		count[r.action]++
		listed := find(rules, "test", strings.Replace(k, " ", ".", 1))
		if r.action == "pass" && listed != nil {
			unexpected++
			fmt.Printf("PASSES     %s is listed as failing under wine (%s): take it off the list\n", k, listed.reason)
		}
		if r.action != "fail" {
			continue
		}
		// The messages of the failure and the wine rules they match.
		var reasons []string // as [n]
		all := true
		var msgs []string
		for _, l := range r.output {
			if !head.MatchString(l) {
				continue
			}
			if isLog(rules, l) {
				continue
			}
			msgs = append(msgs, strings.TrimSpace(l))
			m := match(rules, l)
			if m == nil {
				all = false
			} else if n := ref(m.reason); !contains(reasons, n) {
				reasons = append(reasons, n)
			}
		}
		switch {
		case listed != nil:
			wineOnly++
			fmt.Printf("WINE ONLY  %s %s\n", k, ref(listed.reason))
		case all && len(msgs) > 0:
			wineOnly++
			fmt.Printf("WINE ONLY  %s %s\n", k, strings.Join(reasons, " "))
		default:
			unexpected++
			fmt.Printf("FAIL       %s\n%s", k, lines(r.output, "             "))
		}
	}
	if len(legend) > 0 {
		fmt.Println("\nOnly because of wine:")
		for i, r := range legend {
			fmt.Printf("  [%d] %s\n", i+1, r)
		}
	}
	fmt.Printf("\n%d tests: %d passed, %d skipped, %d failed: %d only because of wine (reasons above), %d others\n",
		len(names), count["pass"], count["skip"], count["fail"], wineOnly, unexpected)
	if unexpected > 0 {
		os.Exit(1)
	}
}

func readRules(path string) []*rule {
	b, err := os.ReadFile(path)
	if err != nil {
		fatal(err)
	}
	var rules []*rule
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] == "" {
			fatal(fmt.Errorf("%s:%d: want KIND<tab>WHAT<tab>REASON", path, i+1))
		}
		r := &rule{kind: f[0], what: f[1], reason: f[2]}
		switch r.kind {
		case "message", "log":
			r.re = regexp.MustCompile(f[1])
		case "test", "package":
		default:
			fatal(fmt.Errorf("%s:%d: unknown kind %q", path, i+1, f[0]))
		}
		rules = append(rules, r)
	}
	return rules
}

func find(rules []*rule, kind, what string) *rule {
	for _, r := range rules {
		if r.kind == kind && r.what == what {
			return r
		}
	}
	return nil
}

func match(rules []*rule, line string) *rule {
	for _, r := range rules {
		if r.kind == "message" && r.re.MatchString(line) {
			return r
		}
	}
	return nil
}

func isLog(rules []*rule, line string) bool {
	for _, r := range rules {
		if r.kind == "log" && r.re.MatchString(line) {
			return true
		}
	}
	return false
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// lines keeps the output that says what went wrong, at most 12 lines.
func lines(out []string, pre string) string {
	var b strings.Builder
	kept := 0
	for _, l := range out {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- PASS") || t == "PASS" || t == "FAIL" {
			continue
		}
		if kept++; kept > 12 {
			b.WriteString(pre + "...\n")
			break
		}
		b.WriteString(pre + t + "\n")
	}
	return b.String()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gotest-report:", err)
	os.Exit(2)
}
