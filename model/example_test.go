package model_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lcrun/lcrun/model"
)

// Load a model, open a session, prefill a prompt, stream a continuation.
// Greedy decoding (the zero SamplerOptions) makes the output reproducible.
func Example() {
	m, err := model.OpenDefault() // or model.Open("model.gguf")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	tok, err := m.Tokenizer()
	if err != nil {
		log.Fatal(err)
	}

	s, err := m.NewSession(model.SessionOptions{Ctx: 256})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	prompt := tok.Encode("Once upon a time, there was a little girl", true, false)
	if err := s.Prefill(ctx, prompt, nil); err != nil {
		log.Fatal(err)
	}
	for t, err := range s.Generate(ctx, model.GenerateOptions{MaxTokens: 20}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(t.Text)
	}
	fmt.Println()
	// Output:
	//  named Lily. She loved to play outside in the park. One
}

// Prefill an input with a progress callback and a deadline; then
// sample with a seed (the same seed gives the same text on the same
// machine and kernels).
func ExampleSession_Prefill() {
	m, err := model.Open("../testdata/stories260K.gguf")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	tok, _ := m.Tokenizer()
	text, err := os.ReadFile("../testdata/prompts/once-upon-a-time.txt")
	if err != nil {
		log.Fatal(err)
	}
	tokens := tok.Encode(string(text), true, false)

	s, err := m.NewSession(model.SessionOptions{Ctx: len(tokens) + 64, Batch: 16})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = s.Prefill(ctx, tokens, func(done, total int) {
		fmt.Printf("prefill %d/%d\n", done, total)
	})
	if err != nil {
		log.Fatal(err) // context.DeadlineExceeded if it took too long
	}

	sampler := model.NewSampler(model.SamplerOptions{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, Seed: 42})
	var out strings.Builder
	for t, err := range s.Generate(ctx, model.GenerateOptions{MaxTokens: 32, Sampler: sampler}) {
		if err != nil {
			log.Fatal(err)
		}
		out.WriteString(t.Text)
	}
	fmt.Println(s.Pos() == len(tokens)+32)
	// Output:
	// prefill 16/49
	// prefill 32/49
	// prefill 48/49
	// prefill 49/49
	// true
}

// Save a session after an expensive prefill and continue from it later
// (in another process too: the state carries the model's SHA-256).
func ExampleSession_Save() {
	m, err := model.OpenDefault()
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	tok, _ := m.Tokenizer()
	opts := model.SessionOptions{Ctx: 128}

	s, _ := m.NewSession(opts)
	defer s.Close()
	if err := s.Prefill(context.Background(), tok.Encode("Tom had a red ball", true, false), nil); err != nil {
		log.Fatal(err)
	}
	var saved bytes.Buffer
	if err := s.Save(&saved); err != nil {
		log.Fatal(err)
	}

	r, _ := m.NewSession(opts)
	defer r.Close()
	if err := r.Restore(&saved); err != nil {
		log.Fatal(err)
	}
	for t, err := range r.Generate(context.Background(), model.GenerateOptions{MaxTokens: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(t.Text)
	}
	fmt.Println()
	// Output:
	// . He liked to play with his toy
}

// One Model, several sessions, one per goroutine.
func ExampleModel_NewSession() {
	m, err := model.OpenDefault()
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	tok, _ := m.Tokenizer()
	prompts := []string{"The sun was", "A little dog", "Sam and Sue"}
	out := make([]string, len(prompts))
	var wg sync.WaitGroup
	for i, p := range prompts {
		wg.Go(func() {
			s, err := m.NewSession(model.SessionOptions{Ctx: 64, Threads: 1})
			if err != nil {
				log.Fatal(err)
			}
			defer s.Close()
			if err := s.Prefill(context.Background(), tok.Encode(p, true, false), nil); err != nil {
				log.Fatal(err)
			}
			var b strings.Builder
			for t, err := range s.Generate(context.Background(), model.GenerateOptions{MaxTokens: 6}) {
				if err != nil {
					log.Fatal(err)
				}
				b.WriteString(t.Text)
			}
			out[i] = p + b.String()
		})
	}
	wg.Wait()
	for _, o := range out {
		fmt.Println(o)
	}
	// Output:
	// The sun was shining and the
	// A little dog named Spot was a
	// Sam and Sue were playing in the
}
