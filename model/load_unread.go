package model

import "fmt"

// An architecture that skips a tensor of its file computes something
// other than what the file holds, with nothing to show for it (a shared
// expert whose tensors lcrun does not know, say). llama.cpp refuses such
// files (it counts the tensors it created against the file's). The
// architectures in strictTensors are held to that: every tensor must
// have been read.

// strictTensors are the architectures whose files may hold no tensor
// they do not read.
var strictTensors = map[string]bool{
	"granitehybrid": true, "jamba": true, "falcon-h1": true, "nemotron_h": true, "lfm2": true,
}

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

// checkAllRead refuses a strict architecture's file holding a tensor it
// did not read.
func (l *loader) checkAllRead() error {
	if !strictTensors[l.arch] {
		return nil
	}
	if n := l.unreadTensor(); n != "" {
		return fmt.Errorf("model: tensor %s is not part of a %s model as lcrun runs it (refused rather than left out)", n, l.arch)
	}
	return nil
}
