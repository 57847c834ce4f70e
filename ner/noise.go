package ner

import (
	crand "crypto/rand"
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// Sensitivity is the L1 sensitivity of one token's logits used to calibrate
// the Laplace noise: changing one input token can flip at most one output
// label (product plan §4.1).
const Sensitivity = 1.0

// NoiseLayer names where the noise is added, for bundle metadata.
const NoiseLayer = "logits"

// NoiseMetadata is what a bundle's metadata.json records about the noise.
type NoiseMetadata struct {
	Epsilon     float64 `json:"epsilon"` // 0 when noise is off
	Sensitivity float64 `json:"sensitivity"`
	Layer       string  `json:"layer"`
	Mechanism   string  `json:"mechanism"`
}

// Noise describes the noise for an ε; +Inf or 0 (unset) means off and is
// recorded as 0.
func Noise(epsilon float64) NoiseMetadata {
	if !NoiseOn(epsilon) {
		epsilon = 0
	}
	return NoiseMetadata{Epsilon: epsilon, Sensitivity: Sensitivity, Layer: NoiseLayer, Mechanism: "laplace"}
}

// NoiseOn reports whether ε asks for noise: finite and positive.
func NoiseOn(epsilon float64) bool {
	return epsilon > 0 && !math.IsInf(epsilon, 1) && !math.IsNaN(epsilon)
}

// NewRand returns a random source for the noise: seeded from seed when it is
// non-nil (reproducible evaluation), otherwise from the operating system's
// cryptographic generator. The result is not safe for concurrent use.
func NewRand(seed *uint64) *rand.Rand {
	var key [32]byte
	if seed != nil {
		binary.LittleEndian.PutUint64(key[:], *seed)
	} else {
		crand.Read(key[:]) // never fails on supported platforms (Go ≥ 1.24 panics instead)
	}
	return rand.New(rand.NewChaCha8(key))
}

// Laplace draws from Laplace(0, scale) as the difference of two independent
// exponential variables of mean scale.
func Laplace(r *rand.Rand, scale float64) float64 {
	return scale * (r.ExpFloat64() - r.ExpFloat64())
}

// AddNoise adds Laplace(0, Sensitivity/ε) noise to every logit in place. It
// does nothing when ε is off.
func AddNoise(logits []float32, epsilon float64, r *rand.Rand) {
	if !NoiseOn(epsilon) {
		return
	}
	scale := Sensitivity / epsilon
	for i := range logits {
		logits[i] += float32(Laplace(r, scale))
	}
}
