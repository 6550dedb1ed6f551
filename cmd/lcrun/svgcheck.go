package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// checkWritable says, before an evaluation, whether an output file can be
// written (issue 17: an unwritable niah --svg failed only after the whole
// evaluation). A file that is not there yet is created and removed again.
func checkWritable(flag, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
			f.Close()
			return os.Remove(path)
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s: cannot write there: %w", flag, path, errors.Unwrap(err))
	}
	return f.Close()
}
