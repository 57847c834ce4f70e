//go:build race

package tensor

// raceEnabled: the race detector changes allocation counts.
const raceEnabled = true
