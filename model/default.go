package model

import "github.com/lcrun/lcrun/internal/defaultmodel"

// DefaultName is the name OpenDefault's model reports.
const DefaultName = defaultmodel.Name

// OpenDefault opens the model built into lcrun: stories260K, a
// 260K-parameter Llama trained on TinyStories (MIT licence), the model the
// lcrun command runs when none is named. It writes children's stories and
// is there so that the library can be tried, and its tests run, with
// nothing to download. The 1.1 MB file is linked into a program only when
// the program calls OpenDefault (the linker drops unreferenced data).
func OpenDefault() (*Model, error) {
	return OpenBytes(defaultmodel.GGUF(), defaultmodel.Name)
}
