package model

import (
	"fmt"
	"math"
)

// Mistral 3 (Ministral 3 and Mistral Small/Medium 3.x text models) is the
// Llama graph with YaRN from the file and an attention temperature: after
// RoPE, the queries of the token at position p are scaled by
// 1 + attention.temperature_scale * ln(floor(p / L0) + 1), with L0 the
// YaRN original context (rope.scaling.original_context_length), so
// attention sharpens in steps as the sequence outgrows the trained length.
// rope.scaling.yarn_log_multiplier sets YaRN's magnitude (see
// ropeFromMetadata).
func init() {
	registerArch(llamaLoader(llamaVariant{attnTemp: true}), "mistral3")
}

// attnTemperature reads the temperature keys into hp (none when the file
// has no attention.temperature_scale).
func attnTemperature(l *loader, hp *llamaHParams) error {
	scale, err := l.floatOr(keyAttnTempScale, 0)
	if err != nil {
		return err
	}
	if scale == 0 {
		return nil
	}
	if math.Abs(scale) > 1e3 {
		return fmt.Errorf("model: %s = %g is out of range", l.key(keyAttnTempScale), scale)
	}
	floor, err := l.countOr(keyRopeOrigCtx, 0, maxPosition)
	if err != nil {
		return err
	}
	if floor == 0 {
		return fmt.Errorf("model: %s needs %s (the temperature's step)", l.key(keyAttnTempScale), l.key(keyRopeOrigCtx))
	}
	hp.tempScale, hp.tempFloor = float32(scale), floor
	return nil
}
