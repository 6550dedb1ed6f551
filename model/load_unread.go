package model

import "fmt"

// A model that skips a tensor of its file computes something other than
// what the file holds, with nothing to show for it (a shared expert, a
// bias or a norm lcrun does not know, say). llama.cpp refuses such files
// (it counts the tensors it created against the file's), and so does
// lcrun, for every architecture: every tensor must have been read.

func (l *loader) markRead(name string) {
	if l.read == nil {
		l.read = make(map[string]bool)
	}
	l.read[name] = true
}

// unreadTensor is the first tensor of the file the loader did not read
// ("" if none).
func (l *loader) unreadTensor() string {
	for _, t := range l.f.Tensors {
		if !l.read[t.Name] {
			return t.Name
		}
	}
	return ""
}

// checkAllRead refuses a file holding a tensor the loader did not read.
func (l *loader) checkAllRead() error {
	if n := l.unreadTensor(); n != "" {
		return fmt.Errorf("model: tensor %s is not part of a %s model as lcrun runs it (refused rather than left out)", n, l.arch)
	}
	return nil
}
