package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
)

// Func is one function and its length.
type Func struct {
	File  string
	Line  int
	Name  string // "Func" or "(*Type).Method"
	Lines int    // from the func line to the closing brace, data tables not counted
}

// Scan measures every function in the non-test, non-generated Go files
// below dir.
func Scan(dir string) ([]Func, error) {
	var out []Func
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != dir && (strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
				out = append(out, measure(fset, p, fd))
			}
		}
		return nil
	})
	return out, err
}

// measure counts a function's lines, less the lines of the data tables in it.
func measure(fset *token.FileSet, file string, fd *ast.FuncDecl) Func {
	start, end := fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line
	table := map[int]bool{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok || hasFuncLit(cl) {
			return true
		}
		// The literal's own first and last lines are code that uses it.
		for l := fset.Position(cl.Pos()).Line + 1; l < fset.Position(cl.End()).Line; l++ {
			table[l] = true
		}
		return false
	})
	return Func{File: file, Line: start, Name: funcName(fd), Lines: end - start + 1 - len(table)}
}

func hasFuncLit(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			found = true
		}
		return !found
	})
	return found
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		t, star = s.X, "*"
	}
	if ix, ok := t.(*ast.IndexExpr); ok { // generic receiver
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fd.Name.Name
	}
	return fd.Name.Name
}
