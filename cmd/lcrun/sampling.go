package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/lcrun/lcrun/model"
)

// samplerFlags are the sampling flags of run, chat and serve, with
// llama.cpp's names and defaults, as given; check validates them and sets
// the options.
type samplerFlags struct {
	o                     *model.SamplerOptions
	seed                  *int64
	temp, topP, minP, rep *float64
}

func registerSampler(fs *flag.FlagSet, o *model.SamplerOptions, seed *int64) *samplerFlags {
	s := &samplerFlags{o: o, seed: seed}
	fs.Int64Var(seed, "seed", -1, "sampling seed (-1 = random)")
	alias(fs, "seed", "s")
	s.temp = fs.Float64("temp", 0.8, "temperature (0 = greedy)")
	o.TopK = 40
	fs.Var(signedCountFlag{&o.TopK}, "top-k", "keep the K most likely tokens (0 = all)")
	s.topP = fs.Float64("top-p", 0.95, "nucleus: keep tokens up to this probability mass (1 = off)")
	s.minP = fs.Float64("min-p", 0.05, "drop tokens less likely than this times the best (0 = off)")
	s.rep = fs.Float64("repeat-penalty", 1, "penalise the last --repeat-last-n tokens (1 = off)")
	o.RepeatLastN = 64
	fs.Var(signedCountFlag{&o.RepeatLastN}, "repeat-last-n", "tokens the repeat penalty looks back")
	return s
}

func (s *samplerFlags) check() error {
	o := s.o
	if *s.temp < 0 || o.TopK < 0 || *s.topP < 0 || *s.minP < 0 || *s.rep < 0 || o.RepeatLastN < 0 {
		return errors.New("--temp, --top-k, --top-p, --min-p and the repeat penalty must not be negative")
	}
	o.Temperature, o.TopP, o.MinP, o.RepeatPenalty = float32(*s.temp), float32(*s.topP), float32(*s.minP), float32(*s.rep)
	if err := o.Check(); err != nil {
		return fmt.Errorf("--temp, --top-p, --min-p, --repeat-penalty: %s", strings.TrimPrefix(err.Error(), "model: sampler "))
	}
	o.Seed = uint64(*s.seed)
	if *s.seed < 0 {
		o.Seed = rand.Uint64()
	}
	return nil
}
