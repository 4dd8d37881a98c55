// Package chunkfile reads test files that hold many cases: chunks of text
// separated by lines holding only `---`, each knowing the line it starts
// on, so a failure points at the file.
package chunkfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Chunk is one case of a file.
type Chunk struct {
	Text string
	File string
	Line int // of the chunk's first line in File
}

// At is file:line of the chunk's nth line (1 is its first).
func (c Chunk) At(n int) string { return fmt.Sprintf("%s:%d", c.File, c.Line+n-1) }

const sep = "\n---\n"

// Read splits a file into its chunks.
func Read(file string) ([]Chunk, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var chunks []Chunk
	line := 1
	for _, text := range strings.Split(string(data), sep) {
		chunks = append(chunks, Chunk{Text: text, File: file, Line: line})
		line += strings.Count(text, "\n") + 2
	}
	return chunks, nil
}

// Files reads every file matching pattern, one slice of chunks a file; t
// fails when none matches or one cannot be read.
func Files(t testing.TB, pattern string) [][]Chunk {
	t.Helper()
	names, _ := filepath.Glob(pattern)
	if len(names) == 0 {
		t.Fatalf("no test files match %s", pattern)
	}
	var files [][]Chunk
	for _, name := range names {
		chunks, err := Read(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, chunks)
	}
	return files
}

// Join is the file text of chunks, for tests that rewrite their files.
func Join(texts []string) string { return strings.Join(texts, sep) }
