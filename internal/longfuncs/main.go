// Command longfuncs lists the Go functions longer than a limit, longest
// first, so that a function that has grown into a module gets split before
// it sets. Test files and generated files are skipped, and so are the lines
// of data tables: composite literals written inside a function, as long as
// they hold no function literal (a table of functions is code).
//
//	go run ./internal/longfuncs [-max 150] [-fail] [DIR...]
//
// DIRs (default: the whole module) are walked recursively. With -fail it
// exits 1 when it lists anything.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	limit := flag.Int("max", 150, "longest allowed function, in lines (data tables not counted)")
	fail := flag.Bool("fail", false, "exit 1 when a function is longer than -max")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var all []Func
	for _, d := range dirs {
		fs, err := Scan(d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "longfuncs:", err)
			os.Exit(2)
		}
		all = append(all, fs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Lines > all[j].Lines })
	n := 0
	for _, f := range all {
		if f.Lines > *limit {
			fmt.Printf("%5d  %s:%d %s\n", f.Lines, f.File, f.Line, f.Name)
			n++
		}
	}
	if n > 0 && *fail {
		os.Exit(1)
	}
}
