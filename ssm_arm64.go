//go:build !purego && !noasm

package lcrun

// NEON forms of the SSM slots of ssm.go: the drivers of ssm_asm.go with
// the inner loops of ssm_arm64.s.

// ssmAsmOK says whether this CPU runs ssm_arm64.s.
var ssmAsmOK = cpu.ASIMD

func init() {
	if !ssmAsmOK {
		return
	}
	ssmScanK.register("neon", ssmScanAsm)
	ssmScan2K.register("neon", ssmScan2Asm)
	ssmConvK.register("neon", ssmConvAsm)
}
