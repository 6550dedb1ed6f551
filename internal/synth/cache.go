package synth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// version is part of every cached file name: bump it when the generator's
// output changes, so stale files are not reused.
const version = 1

// DefaultDir is where generated models are kept between runs
// ($XDG_CACHE_HOME/lcrun/synth or the platform's equivalent).
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "lcrun", "synth"), nil
}

// Ensure returns the path of the spec's model file in dir, writing it first
// if it is not there yet. Files are written atomically, so a file that
// exists is whole.
func (s Spec) Ensure(dir string) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("%s-seed%d-v%d.gguf", s.Name, s.Seed, version))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := s.WriteFile(path); err != nil {
		return "", err
	}
	return path, nil
}
