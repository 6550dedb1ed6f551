package model

import (
	"fmt"
	"strings"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// checkWeightTypes refuses a file that holds a tensor of a type lcrun has
// no kernels for (IQ1_S, IQ2_XXS ...), naming the first such tensor, before
// the architecture's loader reads or allocates anything.
func checkWeightTypes(f *gguf.File) error {
	var first *gguf.TensorInfo
	n := 0
	for i := range f.Tensors {
		if t := &f.Tensors[i]; t.Err == nil && !lc.Computable(t.Type) {
			if first == nil {
				first = t
			}
			if t.Type == first.Type {
				n++
			}
		}
	}
	if first == nil {
		return nil
	}
	more := ""
	switch {
	case n == 2:
		more = fmt.Sprintf("1 more tensor is %s; ", first.Type)
	case n > 2:
		more = fmt.Sprintf("%d more tensors are %s; ", n-1, first.Type)
	}
	return fmt.Errorf("model: tensor %s is %s, a type lcrun cannot compute with (%slcrun computes with %s)",
		first.Name, first.Type, more, strings.Join(computableTypes(), ", "))
}

// computableTypes names the weight types lcrun computes with, by type id.
func computableTypes() []string {
	var names []string
	for id := range 64 {
		if t := lc.DType(id); t.Known() && lc.Computable(t) {
			names = append(names, t.String())
		}
	}
	return names
}
