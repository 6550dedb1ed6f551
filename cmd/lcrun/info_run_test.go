package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcrun info says what a run would use: the context and the RoPE in
// effect after the file's settings and the command line's overrides.
func TestInfoRunEffective(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		ctx     any // float64 (JSON number) or nil
		rope    []string
		noRope  bool
		errPart string
	}{
		{name: "file settings, default context", args: []string{"../../testdata/stories260K.gguf"}, ctx: 2048.0, rope: []string{"none: dims 8, base 10000"}},
		{name: "yarn override (the stories260K-2048 golden's flags)",
			args: []string{"../../testdata/stories260K.gguf", "--ctx", "2K", "--rope-scaling", "yarn", "--rope-scale", "4", "--yarn-orig-ctx", "512"},
			ctx:  2048.0, rope: []string{"yarn", "freq_scale 0.25", "orig_ctx 512", "corr dims [0, 2]", "magnitude 1.13863"}},
		{name: "linear override", args: []string{"../../testdata/stories260K.gguf", "--rope-scaling", "linear", "--rope-scale", "4", "--ctx", "1024"},
			ctx: 1024.0, rope: []string{"linear", "factor 4"}},
		{name: "yarn from the file", args: []string{"../../testdata/golden/models/llama-tiny-yarn.gguf"}, ctx: 4096.0, rope: []string{"yarn", "orig_ctx 1024"}},
		{name: "recurrent model", args: []string{"../../testdata/golden/models/mamba-tiny-f32.gguf"}, noRope: true},
		{name: "vocabulary only", args: []string{"../../testdata/vocab/ggml-vocab-gpt-2.gguf"}, noRope: true, errPart: "not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runLcrun(append([]string{"info", "--json"}, tc.args...)...)
			require.Equal(t, 0, code, stderr)
			var out struct {
				Run map[string]any `json:"run"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &out))
			require.NotNil(t, out.Run)
			if tc.errPart != "" {
				assert.Contains(t, out.Run["error"], tc.errPart)
			}
			if tc.noRope {
				assert.Nil(t, out.Run["rope"])
				return
			}
			assert.Equal(t, tc.ctx, out.Run["context"])
			for _, part := range tc.rope {
				assert.Contains(t, out.Run["rope"], part)
			}
		})
	}
}

func TestInfoRunBadOverride(t *testing.T) {
	code, _, stderr := runLcrun("info", "../../testdata/stories260K.gguf", "--rope-scaling", "banana")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "banana")
}
