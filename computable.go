package lcrun

// Computable reports whether a model's weights may be of type t: MatMul
// multiplies by them (with a tile or by dequantising rows) and Matrix.Row
// reads their rows, as token embedding lookups do. Loaders check it for
// every tensor before they allocate anything, so that a file holding a
// type without kernels is refused at once, naming the tensor.
func Computable(t DType) bool { return matmulSupports(t) && CanDequantize(t) }
