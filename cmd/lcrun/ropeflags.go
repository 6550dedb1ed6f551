package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/lcrun/lcrun/ropescale"
)

// ropeFlagNames are the RoPE flags every command that evaluates a model
// takes, in llama.cpp's names so that its command lines carry over.
var ropeFlagNames = []string{
	"rope-scaling", "rope-scale", "rope-freq-scale", "rope-freq-base",
	"yarn-orig-ctx", "yarn-beta-fast", "yarn-beta-slow", "yarn-ext-factor", "yarn-attn-factor",
}

// ropeFlagUsage is a one-line help text per flag name.
var ropeFlagUsage = map[string]string{
	"rope-scaling":     "RoPE scaling method: none|linear|ntk|dynamic|yarn|llama3|longrope (default: from the model)",
	"rope-scale":       "RoPE context extension factor s (linear/yarn use freq_scale 1/s)",
	"rope-freq-scale":  "llama.cpp's freq_scale: --rope-scale 1/F (0.25 = --rope-scale 4)",
	"rope-freq-base":   "RoPE frequency base (default: from the model)",
	"yarn-orig-ctx":    "context length the model was trained at (default: from the model)",
	"yarn-beta-fast":   "YaRN: pairs turning more than this many times are extrapolated (default 32)",
	"yarn-beta-slow":   "YaRN: pairs turning fewer times than this are interpolated (default 1)",
	"yarn-ext-factor":  "YaRN extrapolation mix, 0..1 (default 1; 0 = linear interpolation)",
	"yarn-attn-factor": "multiplier of the RoPE magnitude (default 1)",
}

// setRopeFlag parses the value of one RoPE flag (name without dashes)
// into its field of o.
func setRopeFlag(o *ropescale.Overrides, name, value string) error {
	switch name {
	case "rope-scaling":
		m, err := ropescale.ParseMethod(value)
		if err != nil {
			return err
		}
		o.Method = &m
		return nil
	case "rope-freq-scale":
		// llama.cpp's freq_scale is the inverse of the extension factor.
		if err := setRopeFlag(o, "rope-scale", value); err != nil {
			return errors.New(strings.Replace(err.Error(), "--rope-scale", "--rope-freq-scale", 1))
		}
		s := 1 / *o.Scale
		o.Scale = &s
		return nil
	case "yarn-orig-ctx":
		n, err := parseCount(value)
		if err != nil || n <= 0 {
			return fmt.Errorf("--%s: %q is not a positive token count", name, value)
		}
		o.OrigCtx = &n
		return nil
	}
	dst := map[string]**float64{
		"rope-scale": &o.Scale, "rope-freq-base": &o.FreqBase, "yarn-beta-fast": &o.BetaFast,
		"yarn-beta-slow": &o.BetaSlow, "yarn-ext-factor": &o.ExtFactor, "yarn-attn-factor": &o.AttnFactor,
	}[name]
	if dst == nil {
		return fmt.Errorf("unknown RoPE flag --%s", name)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("--%s: %q is not a number", name, value)
	}
	// ext_factor 0 is meaningful (no ramp); every other value must be positive.
	if f < 0 || (f == 0 && name != "yarn-ext-factor") {
		return fmt.Errorf("--%s: %v must be above 0", name, f)
	}
	*dst = &f
	return nil
}

// withRopeHint is err's message, telling people where ropescale's missing
// original context length can come from when it is YaRN's (the flag has
// its name).
func withRopeHint(err error) string {
	msg := err.Error()
	var e *ropescale.OrigCtxError
	if errors.As(err, &e) && e.Method == ropescale.YaRN {
		return strings.Replace(msg, e.Error(), e.Error()+" (--yarn-orig-ctx or rope.scaling.original_context_length)", 1)
	}
	return msg
}
