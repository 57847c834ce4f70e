package dp

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Clipping settings.
const (
	// clipShrink is the factor by which a clip scale that float32 rounding
	// pushed just past C is reduced before retrying.
	clipShrink = 1 - 1.0/(1<<20)
	// clipRetries bounds those retries; past it the vector is halved until
	// it fits (subnormal corner cases only).
	clipRetries = 8
)

// Norm is the L2 norm of g, summed in float64 (no overflow or underflow for
// any float32 input).
func Norm(g []float32) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// ClipInPlace scales the per-example gradient g so that its L2 norm is at
// most c, and returns the norm before clipping. A g already within c is left
// untouched (bit for bit); c = +Inf is a no-op that only measures. The
// guarantee ‖g‖₂ ≤ c holds after float32 rounding: the scaled vector is
// re-measured and shrunk again if rounding pushed it past c.
//
// A g whose norm is not finite (an Inf or NaN component) is set to zero when
// c is finite (a zero contribution keeps the sensitivity bound), and the
// non-finite norm is returned so that the caller can count such examples.
//
// c must be ≥ 0 (c = 0 zeroes g) or +Inf; a negative or NaN c is a
// programming error and panics. CheckClipNorm validates user input first.
func ClipInPlace(g []float32, c float64) (norm float64) {
	if err := CheckClipNorm(c); err != nil {
		panic(err)
	}
	norm = Norm(g)
	if math.IsInf(c, 1) || norm <= c {
		return norm
	}
	if math.IsNaN(norm) || math.IsInf(norm, 1) || c == 0 {
		clear(g)
		return norm
	}
	orig := append([]float32(nil), g...)
	scale := c / norm
	for try := 0; ; try++ {
		for i, v := range orig {
			g[i] = float32(float64(v) * scale)
		}
		n := Norm(g)
		if n <= c {
			return norm
		}
		if try < clipRetries {
			scale *= c / n * clipShrink
		} else {
			scale /= 2
		}
	}
}

// CheckClipNorm reports whether c is a valid clip norm: ≥ 0 or +Inf.
func CheckClipNorm(c float64) error {
	if !(c >= 0) {
		return fmt.Errorf("dp: clip norm %v must be ≥ 0 (or +Inf for no clipping)", c)
	}
	return nil
}

// Accumulate adds g to sum element by element in float32, in order: the
// same operations as a plain (non-private) gradient sum.
func Accumulate(sum, g []float32) error {
	if len(sum) != len(g) {
		return fmt.Errorf("dp: cannot add a gradient of length %d to a sum of length %d", len(g), len(sum))
	}
	for i, v := range g {
		sum[i] += v
	}
	return nil
}

// NormalSource draws standard normal variates. *rand.Rand of math/rand/v2
// implements it; NewSeededSource and NewCryptoSource return one each.
type NormalSource interface {
	NormFloat64() float64
}

// AddGaussianNoise adds independent N(0, std²) noise to every element of
// sum. For DP-SGD, std = σ·C (noise multiplier times clip norm) on the sum
// of clipped gradients, before any division by the batch size. std = 0 adds
// nothing and leaves sum bit for bit unchanged (no +0 is added, which would
// turn a −0 into +0). std must be finite and ≥ 0; rng may be nil only when
// std = 0.
//
// The noise is drawn in float64 with math/rand/v2's ziggurat and rounded to
// float32. Floating-point samplers are known to leak through the low-order
// bits of their output in theory (Mironov 2012 for Laplace; Jin et al. 2022
// for Gaussian); here the noisy sum is further rounded into model weights
// and never released directly, which this package does not claim closes
// that gap.
func AddGaussianNoise(sum []float32, std float64, rng NormalSource) error {
	if !(std >= 0) || math.IsInf(std, 1) {
		return fmt.Errorf("dp: noise standard deviation %v must be a finite number ≥ 0", std)
	}
	if std == 0 {
		return nil
	}
	if rng == nil {
		return errors.New("dp: AddGaussianNoise needs a random source")
	}
	for i := range sum {
		sum[i] = float32(float64(sum[i]) + std*rng.NormFloat64())
	}
	return nil
}

// NewSeededSource returns a reproducible generator: ChaCha8 keyed by seed.
// The same seed gives the same noise, which tests and reproducible
// experiments need. It is a cryptographically strong generator, but with a
// known or guessable seed the noise is known, and noise known to an
// adversary can be subtracted: the DP guarantee then does not hold. Use it
// for experiments and tests, NewCryptoSource for models that are released.
func NewSeededSource(seed uint64) *rand.Rand {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	binary.LittleEndian.PutUint64(key[8:], 0x64702d7367640000) // domain separation from other ChaCha8 users of the same seed
	return rand.New(rand.NewChaCha8(key))
}

// NewCryptoSource returns a generator that reads every random word from
// the operating system's CSPRNG (crypto/rand): not reproducible, and what a
// release of a DP-trained model should use.
func NewCryptoSource() *rand.Rand { return rand.New(cryptoSource{}) }

type cryptoSource struct{}

func (cryptoSource) Uint64() uint64 {
	var b [8]byte
	crand.Read(b[:]) // never fails on supported platforms (Go ≥ 1.24 panics instead)
	return binary.LittleEndian.Uint64(b[:])
}

// PoissonSample draws one Poisson-sampled batch: each of the indexes 0 … n−1
// independently with probability q, in increasing order. The batch size is
// random (mean q·n) and may be 0; the accountant's analysis assumes exactly
// this sampling. Average the noisy sum by the expected size q·n, not by the
// drawn size, which depends on the data.
func PoissonSample(n int, q float64, r *rand.Rand) ([]int, error) {
	if n < 0 {
		return nil, fmt.Errorf("dp: data set size %d must be ≥ 0", n)
	}
	if !(q >= 0 && q <= 1) {
		return nil, fmt.Errorf("dp: sampling rate %v must be in [0, 1]", q)
	}
	if r == nil {
		return nil, errors.New("dp: PoissonSample needs a random source")
	}
	var out []int
	for i := 0; i < n; i++ {
		if r.Float64() < q {
			out = append(out, i)
		}
	}
	return out, nil
}
