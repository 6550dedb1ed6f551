package main

import (
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFingerprint(t *testing.T) {
	m, err := model.Open(testdata + "/stories260K.gguf")
	require.NoError(t, err)
	defer m.Close()
	sf := &sessionFlags{kv: "f16", attn: model.Attention{Window: 2048, Sinks: 4, Streaming: true}}
	fp, err := fingerprint(m, sf)
	require.NoError(t, err)
	assert.Equal(t, "arch=llama batch=512 attn=sinks:4,2048 kv=f16", fp)
	sf.batch, sf.ropeText = 64, []string{"rope-scaling=yarn", "rope-scale=4"}
	fp, err = fingerprint(m, sf)
	require.NoError(t, err)
	assert.Equal(t, "arch=llama batch=64 attn=sinks:4,2048 kv=f16 rope=rope-scaling=yarn,rope-scale=4", fp)
}

func TestByteFlag(t *testing.T) {
	var n int64
	f := byteFlag{&n}
	for s, want := range map[string]int64{"512M": 512 << 20, "8G": 8 << 30, "1000": 1000, "4k": 4096} {
		require.NoError(t, f.Set(s))
		assert.Equal(t, want, n, s)
	}
	for _, s := range []string{"", "-1", "lots", "1.5G"} {
		assert.Error(t, f.Set(s), s)
	}
}
