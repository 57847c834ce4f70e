package bert

// Batch is a batch of token sequences, row-major [Size][SeqLen], as the ONNX
// inputs input_ids / attention_mask / token_type_ids. Mask and TypeIDs may be
// nil (all ones / all zeros).
type Batch struct {
	IDs     []int64
	Mask    []int64
	TypeIDs []int64
	Size    int
	SeqLen  int
}
