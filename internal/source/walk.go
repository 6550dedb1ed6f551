package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is one text file a directory walk keeps.
type File struct {
	Rel  string // slash-separated path relative to the walked directory
	Path string // path to open
	Size int64  // size when walked
}

// Why a directory walk leaves a path out (keys of Stats.Skipped).
const (
	SkipIgnored    = "ignored by .gitignore"
	SkipBinary     = "binary"
	SkipTooLarge   = "too large"
	SkipEmpty      = "empty"
	SkipSymlink    = "symlink"
	SkipSpecial    = "not a regular file"
	SkipUnreadable = "unreadable"
)

// scope is one .gitignore's patterns and where they apply: a walked path
// rel is matched as strings.TrimPrefix(rel, under+"/") for a file inside
// the walk (under = its directory), or above+"/"+rel for one in a parent
// directory of the walk's root (above = the root relative to it).
type scope struct {
	ig           *Ignore
	under, above string
}

func (sc *scope) relPath(rel string) (string, bool) {
	switch {
	case sc.above != "":
		return sc.above + "/" + rel, true
	case sc.under == "":
		return rel, true
	case strings.HasPrefix(rel, sc.under+"/"):
		return rel[len(sc.under)+1:], true
	}
	return "", false
}

// ignored applies the scopes, deepest first: the first scope with a
// matching pattern decides (gitignore(5): lower-level files override
// higher ones; .git/info/exclude comes last).
func ignored(scopes []scope, rel string, isDir bool) bool {
	for i := len(scopes) - 1; i >= 0; i-- {
		p, ok := scopes[i].relPath(rel)
		if !ok {
			continue
		}
		if ign, matched := scopes[i].ig.Match(p, isDir); matched {
			return ign
		}
	}
	return false
}

type walker struct {
	opt     Options
	files   []File
	skipped map[string]int
}

// walkDir lists the text files under root in a stable order (directory
// entries sorted by name, depth first), honouring .gitignore files at
// every level, the enclosing repository's .gitignore files above root and
// its .git/info/exclude; .git is never read. Directories git would ignore
// are not entered (git cannot re-include a file under an excluded
// directory either). Symbolic links are not followed.
func walkDir(root string, opt Options) ([]File, map[string]int, error) {
	w := &walker{opt: opt, skipped: map[string]int{}}
	scopes, err := ancestorScopes(root)
	if err != nil {
		return nil, nil, err
	}
	if err := w.visit(root, "", scopes); err != nil {
		return nil, nil, err
	}
	return w.files, w.skipped, nil
}

func (w *walker) visit(dir, rel string, scopes []scope) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if rel == "" {
			return err
		}
		w.skipped[SkipUnreadable]++
		return nil
	}
	if ig, err := readIgnoreFile(filepath.Join(dir, ".gitignore")); err != nil {
		return err
	} else if ig != nil {
		scopes = append(scopes[:len(scopes):len(scopes)], scope{ig: ig, under: rel})
	}
	for _, e := range entries {
		name := e.Name()
		if name == ".git" {
			continue
		}
		r := name
		if rel != "" {
			r = rel + "/" + name
		}
		path := filepath.Join(dir, name)
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			w.skipped[SkipSymlink]++
			continue
		}
		if ignored(scopes, r, e.IsDir()) {
			w.skipped[SkipIgnored]++
			continue
		}
		if e.IsDir() {
			if err := w.visit(path, r, scopes); err != nil {
				return err
			}
			continue
		}
		if !t.IsRegular() {
			w.skipped[SkipSpecial]++
			continue
		}
		w.keep(path, r)
	}
	return nil
}

// keep adds a regular file unless it is empty, too large or binary.
func (w *walker) keep(path, rel string) {
	info, err := os.Stat(path)
	if err != nil {
		w.skipped[SkipUnreadable]++
		return
	}
	switch size := info.Size(); {
	case size == 0:
		w.skipped[SkipEmpty]++
		return
	case size > w.opt.maxFileSize():
		w.skipped[SkipTooLarge]++
		return
	}
	head, err := readHead(path)
	if err != nil {
		w.skipped[SkipUnreadable]++
		return
	}
	if binaryReason(head) != "" {
		w.skipped[SkipBinary]++
		return
	}
	w.files = append(w.files, File{Rel: rel, Path: path, Size: info.Size()})
}

// readIgnoreFile parses path, or returns nil when there is no such file.
func readIgnoreFile(path string) (*Ignore, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, nil
	}
	return ParseIgnore(f)
}

// ancestorScopes finds the git work tree enclosing root (the nearest
// directory at or above it holding .git) and returns the ignore files that
// apply to root from there: .git/info/exclude, then each .gitignore from
// the top of the work tree down to root's parent. Outside a work tree
// there are none.
func ancestorScopes(root string) ([]scope, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var chain []string // abs, its parent, ..., up to the work tree's top
	top := ""
	for d := abs; ; {
		chain = append(chain, d)
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			top = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if top == "" {
		return nil, nil
	}
	var scopes []scope
	// A linked work tree or a submodule has a .git file naming its git
	// directory elsewhere; its info/exclude is not read (the .gitignore
	// files are), and the file must not fail the walk.
	if info, err := os.Stat(filepath.Join(top, ".git")); err == nil && info.IsDir() {
		if ig, err := readIgnoreFile(filepath.Join(top, ".git", "info", "exclude")); err != nil {
			return nil, err
		} else if ig != nil {
			scopes = append(scopes, scope{ig: ig, above: filepath.ToSlash(mustRel(top, abs))})
		}
	}
	for i := len(chain) - 1; i >= 1; i-- {
		ig, err := readIgnoreFile(filepath.Join(chain[i], ".gitignore"))
		if err != nil {
			return nil, err
		}
		if ig != nil {
			scopes = append(scopes, scope{ig: ig, above: filepath.ToSlash(mustRel(chain[i], abs))})
		}
	}
	return scopes, nil
}

// mustRel is filepath.Rel for a target known to be under base.
func mustRel(base, target string) string {
	r, err := filepath.Rel(base, target)
	if err != nil {
		return ""
	}
	if r == "." {
		return ""
	}
	return r
}
