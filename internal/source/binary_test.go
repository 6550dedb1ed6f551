package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNotText(t *testing.T) {
	for text, want := range map[string]string{
		"":                  "",
		"Once upon a time.": "",
		"naïve café 日本":     "",
		"caf\xe9":           "invalid UTF-8 at offset 3",
		"ab\x00c":           "NUL byte at offset 2",
		"x\xe6\x97":         "invalid UTF-8 at offset 1",
	} {
		assert.Equal(t, want, NotText([]byte(text)), "%q", text)
	}
}
