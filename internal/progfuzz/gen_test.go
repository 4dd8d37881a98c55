package progfuzz

import (
	"testing"

	"sonde/lang"
)

// Scripts parse, and a seed always gives the same script.
func TestGenerateParses(t *testing.T) {
	for seed := uint64(0); seed < 300; seed++ {
		src := Generate(seed)
		if src != Generate(seed) {
			t.Fatalf("seed %d: two different scripts", seed)
		}
		if _, err := lang.Parse("gen.sd", []byte(src)); err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
	}
}
