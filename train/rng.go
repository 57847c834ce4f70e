package train

import "math/rand/v2"

// Random streams of a run: each use of randomness draws from its own
// stream of the run's seed, so that changing one (say, the batch order)
// leaves the others (the new head's initial weights) as they were.
const (
	streamHead    = 1 // a new classifier's initial weights
	streamOrder   = 2 // the order of batches in each epoch (index: epoch)
	streamDropout = 3 // dropout masks (index: step)
)

// newRNG returns the generator of one stream and index of a seed.
func newRNG(seed uint64, stream, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix64(seed^mix64(stream)), mix64(index+stream<<56)))
}

// stepKey is the dropout key of one optimizer step.
func stepKey(seed uint64, step int) uint64 {
	return mix64(mix64(seed^streamDropout) + uint64(step))
}
